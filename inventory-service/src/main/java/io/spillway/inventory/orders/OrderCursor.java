package io.spillway.inventory.orders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a page of a sale's orders ended: the last order's decision time and id, the keyset the next
 * page continues below. Opaque to clients (base64url), so its shape can change.
 *
 * <p>Limits: a cursor holds no sale or filter; used with another sale or status it pages through
 * that one from the same point, which is harmless.
 */
record OrderCursor(Instant decidedAt, UUID orderId) {

    String encode() {
        long micros = Math.addExact(Math.multiplyExact(decidedAt.getEpochSecond(), 1_000_000L), decidedAt.getNano() / 1_000);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + ":" + orderId).getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor {@code text} encodes, or empty if it is not one this service made. */
    static Optional<OrderCursor> decode(String text) {
        if (text == null || text.length() > 100) {
            return Optional.empty();
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
            int colon = plain.indexOf(':');
            if (colon < 1) {
                return Optional.empty();
            }
            long micros = Long.parseLong(plain.substring(0, colon));
            UUID orderId = UUID.fromString(plain.substring(colon + 1));
            if (!orderId.toString().equals(plain.substring(colon + 1))) {
                return Optional.empty();
            }
            return Optional.of(new OrderCursor(
                    Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L), orderId));
        } catch (IllegalArgumentException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
