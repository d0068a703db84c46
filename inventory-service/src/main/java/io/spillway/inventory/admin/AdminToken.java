package io.spillway.inventory.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The configured admin secret and the check of an {@code Authorization} header against it.
 *
 * <p>Both sides are hashed before the constant-time comparison, so neither the content nor the
 * length of the secret shows in the time a wrong guess takes.
 */
final class AdminToken {

    static final int MIN_LENGTH = 16;
    private static final String SCHEME = "Bearer ";

    private final byte[] digest;

    AdminToken(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException("spillway.inventory.admin-token is not set: set SPILLWAY_ADMIN_TOKEN"
                    + " to a secret of at least " + MIN_LENGTH + " characters");
        }
        if (secret.length() < MIN_LENGTH) {
            throw new IllegalStateException("spillway.inventory.admin-token (SPILLWAY_ADMIN_TOKEN) is too short: it"
                    + " must have at least " + MIN_LENGTH + " characters, it has " + secret.length());
        }
        this.digest = sha256(secret);
    }

    /** Whether {@code authorization} is {@code Bearer <the secret>} (the scheme is case-insensitive, RFC 9110). */
    boolean admits(String authorization) {
        String bearer = bearerOf(authorization);
        return bearer != null && admitsToken(bearer);
    }

    /** Whether {@code presented} (the bearer, without its scheme) is the secret. */
    boolean admitsToken(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented.strip()));
    }

    /** The bearer of {@code authorization} when its scheme is {@code Bearer} (any case), else null. */
    static String bearerOf(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        String bearer = authorization.substring(SCHEME.length()).strip();
        return bearer.isEmpty() ? null : bearer;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
