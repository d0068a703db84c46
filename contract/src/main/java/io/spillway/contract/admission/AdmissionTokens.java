package io.spillway.contract.admission;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.spillway.contract.CustomerId;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * The admission token (CONTRACT.md, "Admission"): an ES256 JWT with {@code sub} (the customer),
 * {@code room}, {@code jti}, {@code iat} and {@code exp}, its {@code kid} naming the key in the JWKS.
 * The processor signs one per admission; the door checks the one a shop presents to leave; a shop
 * checks it with any JWT library and the JWKS (docs/admission.md has examples).
 *
 * <p>Limits: times are whole seconds (JWT {@code NumericDate}); a check allows no clock skew, the
 * shop's own check may.
 */
public final class AdmissionTokens {

    /** What a valid token says. */
    public record Claims(CustomerId subject, RoomId room, UUID jti, Instant issuedAt, Instant expiresAt) {

        /** The entry this admission belongs to. */
        public EntryId entryId() {
            return EntryId.of(room, subject);
        }
    }

    /** Why a token is refused: the door answers each the same way, saying only that it is not valid. */
    public enum Refusal {
        MALFORMED,
        UNKNOWN_KEY,
        BAD_SIGNATURE,
        EXPIRED,
        OTHER_ROOM
    }

    /** The outcome of a check: the claims, or why not. */
    public record Check(Claims claims, Refusal refusal) {

        public boolean valid() {
            return claims != null;
        }
    }

    private final AdmissionKeys keys;

    public AdmissionTokens(AdmissionKeys keys) {
        this.keys = keys;
    }

    /** A signed token; {@code claims}' times are cut to whole seconds, as a JWT carries them. */
    public String sign(Claims claims) {
        if (!keys.canSign()) {
            throw new IllegalStateException("the signing key's private part is not configured");
        }
        ECKey key = keys.signingKey();
        JWTClaimsSet set = new JWTClaimsSet.Builder()
                .subject(claims.subject().value())
                .claim("room", claims.room().value())
                .jwtID(claims.jti().toString())
                .issueTime(Date.from(claims.issuedAt()))
                .expirationTime(Date.from(claims.expiresAt()))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), set);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an admission token", e);
        }
        return jwt.serialize();
    }

    /** Checks signature, key, expiry at {@code now} and room; never throws for a bad token. */
    public Check verify(String token, RoomId room, Instant now) {
        if (token == null || token.length() > 4096) {
            return refused(Refusal.MALFORMED);
        }
        SignedJWT jwt;
        JWTClaimsSet set;
        try {
            jwt = SignedJWT.parse(token);
            set = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return refused(Refusal.MALFORMED);
        }
        if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
            return refused(Refusal.MALFORMED);
        }
        Optional<ECKey> key = keys.key(jwt.getHeader().getKeyID());
        if (key.isEmpty()) {
            return refused(Refusal.UNKNOWN_KEY);
        }
        try {
            if (!jwt.verify(new ECDSAVerifier(key.get().toECPublicKey()))) {
                return refused(Refusal.BAD_SIGNATURE);
            }
        } catch (JOSEException e) {
            return refused(Refusal.BAD_SIGNATURE);
        }
        Claims claims;
        try {
            claims = new Claims(
                    CustomerId.of(set.getSubject()),
                    RoomId.of(set.getStringClaim("room")),
                    UUID.fromString(set.getJWTID()),
                    set.getIssueTime().toInstant(),
                    set.getExpirationTime().toInstant());
        } catch (ParseException | RuntimeException e) {
            return refused(Refusal.MALFORMED);
        }
        if (!now.isBefore(claims.expiresAt())) {
            return refused(Refusal.EXPIRED);
        }
        if (!claims.room().equals(room)) {
            return refused(Refusal.OTHER_ROOM);
        }
        return new Check(claims, null);
    }

    private static Check refused(Refusal refusal) {
        return new Check(null, refusal);
    }
}
