package io.spillway.ingest.orders;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.spillway.contract.OrderId;
import io.spillway.contract.SeatId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Remembers which order each recent {@code Idempotency-Key} named, so that the key reused with a
 * different order is answered 422 instead of being taken as a retry.
 *
 * <p>Its limit: it is this instance's memory and bounded ({@code spillway.ingest.remembered-keys},
 * least recently used out first). A reuse that reaches another instance, or comes after the entry
 * was evicted or the instance restarted, cannot be told here; it is then published, and the
 * processor, which decides by order id, replays the first order's decision: still never a second
 * order. The fingerprint is 128 bits of SHA-256 over the order's fields, not the raw body, so that
 * the same order written with other spacing or field order is the same order.
 *
 * <p>An order is remembered once it passed the sale's rules, just before it is handed to the
 * producer, and is not forgotten when the send is answered 503: the broker may have written it
 * anyway (an acknowledgement lost or late), so the key now names that order, and only that order.
 * A retry of it is recognised here ({@link Recall#SAME_ORDER}) and goes to the broker again
 * without being judged by the sale view once more: the order may be the one that sold the item
 * out, and the buyer must get its order id back, not a 409 that hides an order it has.
 */
final class BodyFingerprints {

    private final Cache<OrderId, Fingerprint> seen;

    BodyFingerprints(long capacity) {
        this.seen = Caffeine.newBuilder().maximumSize(capacity).build();
    }

    /** What this instance knows of the order's key. */
    enum Recall {
        /** Not remembered: never seen here, forgotten, or last seen before a restart. */
        NEW,
        /** Remembered with this same order: a retry. */
        SAME_ORDER,
        /** Remembered with another order: the key is reused (422). */
        OTHER_ORDER
    }

    /** Looks the key up without remembering anything. */
    Recall recall(OrderId orderId, Fingerprint fingerprint) {
        Fingerprint first = seen.getIfPresent(orderId);
        if (first == null) {
            return Recall.NEW;
        }
        return first.equals(fingerprint) ? Recall.SAME_ORDER : Recall.OTHER_ORDER;
    }

    /**
     * Remembers the order under its key. True if the key is new or was used for this same order;
     * false if for a different one (the first stays).
     */
    boolean remember(OrderId orderId, Fingerprint fingerprint) {
        Fingerprint first = seen.asMap().putIfAbsent(orderId, fingerprint);
        return first == null || first.equals(fingerprint);
    }

    /** {@link #remember} with the order's own fingerprint. */
    boolean sameOrderAsBefore(PlaceOrder order) {
        return remember(order.orderId(), Fingerprint.of(order));
    }

    record Fingerprint(long high, long low) {

        static Fingerprint of(PlaceOrder order) {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
            // Each field ends with a byte no identifier contains, so fields cannot run together.
            sha.update(order.saleId().value().getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(order.sku().value().getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(Integer.toString(order.quantity()).getBytes(StandardCharsets.US_ASCII));
            for (SeatId seat : order.seatIds()) {
                sha.update((byte) 0);
                sha.update(seat.value().getBytes(StandardCharsets.US_ASCII));
            }
            ByteBuffer digest = ByteBuffer.wrap(sha.digest());
            return new Fingerprint(digest.getLong(), digest.getLong());
        }
    }
}
