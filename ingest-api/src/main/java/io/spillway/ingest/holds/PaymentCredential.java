package io.spillway.ingest.holds;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The payment system's credential: the only thing that opens {@code POST …/payment}. Kept as
 * SHA-256 digests, never as the tokens, and compared with {@link MessageDigest#isEqual}, which takes
 * the same time wherever the digests differ; hashing first also makes the comparison's length fixed,
 * so a token's length leaks nothing either. Two tokens are taken during a rotation: the current one
 * and the next, both admitted until the old one is dropped from the configuration.
 *
 * <p>Limits: one credential for the whole payment system; it is trusted for every order (the payment
 * system has no order token). It opens nothing else, and no other secret (the admin token, an order
 * token) opens it.
 */
final class PaymentCredential {

    static final int MINIMUM_TOKEN_BYTES = 32;
    static final int MOST_TOKENS = 2;
    private static final String BEARER = "Bearer ";

    private final List<byte[]> digests;

    /** @throws IllegalArgumentException without a token, with more than two, or with one shorter than 32 bytes */
    PaymentCredential(List<String> tokens) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("no payment token");
        }
        if (tokens.size() > MOST_TOKENS) {
            throw new IllegalArgumentException("at most " + MOST_TOKENS + " payment tokens (current, next), not "
                    + tokens.size());
        }
        for (String token : tokens) {
            if (token.getBytes(StandardCharsets.UTF_8).length < MINIMUM_TOKEN_BYTES) {
                throw new IllegalArgumentException("a payment token must be at least " + MINIMUM_TOKEN_BYTES + " bytes");
            }
        }
        this.digests = tokens.stream().map(PaymentCredential::digest).toList();
    }

    /** True if the {@code Authorization} header is {@code Bearer <one of the tokens>}. */
    boolean admits(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = digest(authorization.substring(BEARER.length()).trim());
        boolean admitted = false;
        for (byte[] digest : digests) {
            // Every digest is compared, so which of the two matched takes no longer than the other.
            admitted |= MessageDigest.isEqual(digest, presented);
        }
        return admitted;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
