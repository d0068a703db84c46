package io.spillway.contract;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Access tokens for one order: HMAC-SHA256 of the order id under a secret shared by ingest-api
 * (which hands the token out) and notifier (which checks it). Nothing is stored; a token cannot be
 * made for another order without the secret.
 */
public final class OrderTokens {

    private static final String ALGORITHM = "HmacSHA256";
    private static final int MINIMUM_SECRET_BYTES = 32;

    /**
     * Initialized once and never used itself: each token is computed on a clone of it, which skips
     * the provider lookup and key set-up that {@code Mac.getInstance} and {@code init} cost per call
     * (the door makes one token per order; the notifier checks one per request).
     */
    private final Mac prototype;

    public OrderTokens(String secret) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MINIMUM_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "the order token secret must be at least " + MINIMUM_SECRET_BYTES + " bytes");
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            mac.clone(); // a provider whose HMAC cannot be cloned fails here, at start-up, not per token
            this.prototype = mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException | CloneNotSupportedException e) {
            throw new IllegalStateException(ALGORITHM + " (cloneable) is required of the Java platform", e);
        }
    }

    public String tokenFor(OrderId orderId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(orderId));
    }

    public boolean verify(OrderId orderId, String token) {
        if (token == null || token.isEmpty() || token.length() > 64) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(orderId), presented);
    }

    private byte[] mac(OrderId orderId) {
        try {
            // Cloning only reads the prototype, which nothing changes: safe from any thread.
            return ((Mac) prototype.clone()).doFinal(orderId.toString().getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("checked in the constructor", e);
        }
    }
}
