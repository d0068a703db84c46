package io.spillway.inventory.rooms;

import io.spillway.contract.admission.AdmissionKeys;
import io.spillway.contract.problems.Problems;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /.well-known/jwks.json}: the public keys of the admission tokens, which a shop's checkout
 * fetches to verify a token without calling Spillway (CONTRACT.md, "Admission"). Public, outside
 * {@code /api}, and cacheable for {@link #MAX_AGE_SECONDS}: the rotation story in docs/admission.md
 * keeps every key served for longer than that plus the longest session.
 *
 * <p>Limits: without {@code spillway.admission.keys} there is nothing to serve: 404, so a shop's
 * library reports a missing JWKS rather than an empty one that verifies nothing.
 */
@RestController
class JwksController {

    static final int MAX_AGE_SECONDS = 300;

    private final String jwks;

    JwksController(ObjectProvider<AdmissionKeys> keys) {
        AdmissionKeys configured = keys.getIfAvailable();
        // The keys come from configuration, so the set is fixed for the process's life.
        this.jwks = configured == null ? null : configured.publicJwks();
    }

    @GetMapping("/.well-known/jwks.json")
    ResponseEntity<String> jwks() {
        if (jwks == null) {
            throw new ErrorResponseException(HttpStatus.NOT_FOUND, Problems.of(HttpStatus.NOT_FOUND, "no-admission-keys",
                    "No admission keys", "This deployment has no admission keys configured."), null);
        }
        return ResponseEntity.ok()
                .header("Cache-Control", "public, max-age=" + MAX_AGE_SECONDS)
                .contentType(MediaType.APPLICATION_JSON)
                .body(jwks);
    }
}
