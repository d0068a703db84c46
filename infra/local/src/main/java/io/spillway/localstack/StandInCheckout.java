package io.spillway.localstack;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.util.Optional;
import java.util.Set;

/**
 * The demo's stand-in for a shop's own checkout, which is not Spillway's: it knows the JWKS it fetched
 * from inventory-service and its room, nothing else, and checks an admission token as
 * docs/admission.md asks any shop to (ES256 only, the key its {@code kid} names, {@code exp}, the
 * {@code room} claim, every claim present). It uses Nimbus directly, not Spillway's own token classes,
 * so the demo shows what a shop's code does.
 *
 * <p>Limits: the JWKS is fetched once, at the start; a shop would refetch it on an unknown {@code kid}
 * (a key rotation), which a demo run never sees.
 */
final class StandInCheckout {

    private final DefaultJWTProcessor<SecurityContext> tokens = new DefaultJWTProcessor<>();

    StandInCheckout(String jwks, String roomId) throws ParseException {
        tokens.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(JWKSet.parse(jwks))));
        tokens.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().claim("room", roomId).build(), Set.of("sub", "room", "jti", "iat", "exp")));
    }

    /** The verified claims, or empty when the token is not a valid admission to this room. */
    Optional<JWTClaimsSet> verify(String token) {
        try {
            return Optional.of(tokens.process(token, null));
        } catch (ParseException | BadJOSEException | com.nimbusds.jose.JOSEException refused) {
            return Optional.empty();
        }
    }
}
