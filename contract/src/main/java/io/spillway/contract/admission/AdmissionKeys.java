package io.spillway.contract.admission;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys of the admission tokens, from configuration: a JWK set of EC P-256 keys, each with a
 * {@code kid}, and the id of the one that signs. The processor needs the signing key's private part;
 * the door (to check a leave) and inventory-service (to serve the JWKS) need only the public parts,
 * and may be given a set without private parts.
 *
 * <p>Rotation: add the new key to the set and deploy, then make it the signing key and deploy, then,
 * once the longest session signed by the old key has expired, remove the old key. While both are in
 * the set both are served in the JWKS, so a shop that caches the JWKS verifies either.
 *
 * <p>Limits: only ES256 (P-256) keys are accepted; a set with any other key is refused at start-up.
 */
public final class AdmissionKeys {

    private final Map<String, ECKey> keys;
    private final ECKey signing;

    private AdmissionKeys(Map<String, ECKey> keys, ECKey signing) {
        this.keys = keys;
        this.signing = signing;
    }

    /**
     * The keys of {@code jwkSetJson}; {@code signingKeyId} names the key that signs and must be in
     * the set (with its private part for the processor, see {@link #canSign()}).
     */
    public static AdmissionKeys parse(String jwkSetJson, String signingKeyId) {
        JWKSet set;
        try {
            set = JWKSet.parse(jwkSetJson);
        } catch (ParseException e) {
            throw new IllegalArgumentException("the admission keys are not a JWK set: " + e.getMessage(), e);
        }
        Map<String, ECKey> keys = new LinkedHashMap<>();
        for (JWK jwk : set.getKeys()) {
            if (!(jwk instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve())) {
                throw new IllegalArgumentException("admission keys must be EC P-256 keys (ES256)");
            }
            if (ec.getKeyID() == null || ec.getKeyID().isBlank()) {
                throw new IllegalArgumentException("every admission key needs a kid");
            }
            if (keys.put(ec.getKeyID(), ec) != null) {
                throw new IllegalArgumentException("two admission keys have the kid " + ec.getKeyID());
            }
        }
        ECKey signing = keys.get(signingKeyId);
        if (signing == null) {
            throw new IllegalArgumentException("the signing key " + signingKeyId + " is not in the admission keys");
        }
        return new AdmissionKeys(Map.copyOf(keys), signing);
    }

    /** A new JWK set with one private P-256 key, as JSON: for the local stack, tests and demos. */
    public static String generate(String keyId) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256)
                    .keyID(keyId)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
            return new JWKSet(key).toString(false);
        } catch (JOSEException e) {
            throw new IllegalStateException("EC P-256 key generation is required of the Java platform", e);
        }
    }

    /** Whether the signing key's private part is here: only the processor needs it. */
    public boolean canSign() {
        return signing.isPrivate();
    }

    ECKey signingKey() {
        return signing;
    }

    Optional<ECKey> key(String keyId) {
        return Optional.ofNullable(keyId == null ? null : keys.get(keyId));
    }

    /** The public JWKS ({@code /.well-known/jwks.json}): every key of the set, public parts only. */
    public String publicJwks() {
        List<JWK> publicKeys = new ArrayList<>();
        for (ECKey key : keys.values()) {
            publicKeys.add(key.toPublicJWK());
        }
        return new JWKSet(publicKeys).toString(true);
    }
}
