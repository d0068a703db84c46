package io.spillway.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * An order. It is a function of the buyer, the sale and the buyer's {@code Idempotency-Key}, so a
 * retry of the same request names the same order and can never become a second one, while the same
 * key used again in another sale names a new order (a client that reuses its keys across sales
 * does not get an old sale's order replayed).
 */
public record OrderId(@JsonValue UUID value) {

    public OrderId {
        if (value == null) {
            throw new IllegalArgumentException("orderId must not be null");
        }
    }

    @JsonCreator
    public static OrderId of(String value) {
        return new OrderId(UUID.fromString(value));
    }

    /** Parses an id from a URL, answering null for anything that is not one. */
    public static OrderId parseOrNull(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            return of(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A version-8 (custom, RFC 9562) UUID from SHA-256 of the triple. Neither the customer id nor the
     * sale id can contain a newline, so the separators keep distinct triples distinct (the key, last,
     * may contain anything).
     */
    public static OrderId derive(CustomerId customer, SaleId sale, String idempotencyKey) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((customer.value() + "\n" + sale.value() + "\n" + idempotencyKey)
                            .getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x80);
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
            ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
            return new OrderId(new UUID(bytes.getLong(), bytes.getLong()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
