package io.spillway.ingest.holds;

import io.spillway.contract.OrderId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The orders that can be paid: every hold opened (and not forgotten), with its deadline. The door
 * answers a payment for an order not here with {@code 404} and publishes nothing; one here is passed
 * on even after its deadline, so that the processor decides it ({@code TOO_LATE}) and the shop learns
 * to refund.
 *
 * <p>An open-addressing table of three parallel {@code long} arrays (the order id's two halves and the
 * deadline in epoch milliseconds) with linear probing: 24 bytes a slot and no object per hold, where a
 * {@code HashMap<OrderId, Instant>} would take about 120. The table doubles when three quarters full,
 * so a hold takes 32 to 64 bytes. Before it grows, holds whose deadline passed more than
 * {@code forgetAfter} ago are dropped, as {@code orders.holds}' retention drops them from the topic.
 *
 * <p>Limits: memory is bounded by the holds opened within {@code forgetAfter} (two days by default)
 * plus the longest hold, about 64 MB a million at most. Thread-safe by one lock: the view's reader
 * writes, request threads read, and each holds it for one probe.
 */
final class HoldBook {

    private static final int FIRST_CAPACITY = 1 << 10;
    /** Marks a free slot; no hold's deadline is this far in the past. */
    private static final long FREE = Long.MIN_VALUE;

    private final Duration forgetAfter;
    private long[] high;
    private long[] low;
    private long[] deadline;
    private int size;

    HoldBook(Duration forgetAfter) {
        this.forgetAfter = forgetAfter;
        allocate(FIRST_CAPACITY);
    }

    /** Records a hold, or moves its deadline if it was already known. */
    synchronized void open(OrderId orderId, Instant holdExpiresAt, Instant now) {
        UUID id = orderId.value();
        if ((size + 1) * 4L > high.length * 3L) {
            resize(now);
        }
        int slot = find(id.getMostSignificantBits(), id.getLeastSignificantBits());
        if (deadline[slot] == FREE) {
            high[slot] = id.getMostSignificantBits();
            low[slot] = id.getLeastSignificantBits();
            size++;
        }
        // Never FREE: Long.MIN_VALUE milliseconds is far before any Instant a HoldOpened carries.
        deadline[slot] = Math.max(holdExpiresAt.toEpochMilli(), FREE + 1);
    }

    /** The hold's deadline, or empty if no hold of this order is known. */
    synchronized Optional<Instant> deadline(OrderId orderId) {
        UUID id = orderId.value();
        int slot = find(id.getMostSignificantBits(), id.getLeastSignificantBits());
        return deadline[slot] == FREE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(deadline[slot]));
    }

    /** Forgets an order's hold (a tombstone on the topic). */
    synchronized void forget(OrderId orderId) {
        UUID id = orderId.value();
        int slot = find(id.getMostSignificantBits(), id.getLeastSignificantBits());
        if (deadline[slot] == FREE) {
            return;
        }
        deadline[slot] = FREE;
        size--;
        // Backward-shift deletion: move later members of the probe run into the gap, so that every
        // key stays reachable from its home slot without tombstones.
        int mask = high.length - 1;
        int gap = slot;
        for (int next = (gap + 1) & mask; deadline[next] != FREE; next = (next + 1) & mask) {
            int home = home(high[next], low[next], mask);
            // Movable if its home is not cyclically within (gap, next].
            if (((next - home) & mask) >= ((next - gap) & mask)) {
                high[gap] = high[next];
                low[gap] = low[next];
                deadline[gap] = deadline[next];
                deadline[next] = FREE;
                gap = next;
            }
        }
    }

    synchronized int size() {
        return size;
    }

    /** Slots allocated: what the table holds on the heap is 24 bytes each. */
    synchronized int capacity() {
        return high.length;
    }

    /** The slot holding the key, or the free slot where it would go. */
    private int find(long h, long l) {
        int mask = high.length - 1;
        int slot = home(h, l, mask);
        while (deadline[slot] != FREE && (high[slot] != h || low[slot] != l)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static int home(long h, long l, int mask) {
        // Order ids are hashes already; the mix only guards against ids that share their low bits.
        long x = h * 0x9E3779B97F4A7C15L ^ l;
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        return (int) x & mask;
    }

    /** Drops the long-ended holds, then doubles the table if it is still over half full. */
    private void resize(Instant now) {
        long forgetBefore = now.minus(forgetAfter).toEpochMilli();
        int kept = 0;
        for (long d : deadline) {
            if (d != FREE && d >= forgetBefore) {
                kept++;
            }
        }
        int capacity = high.length;
        while ((kept + 1) * 2L > capacity) {
            capacity <<= 1;
        }
        long[] oldHigh = high;
        long[] oldLow = low;
        long[] oldDeadline = deadline;
        allocate(capacity);
        size = 0;
        for (int i = 0; i < oldDeadline.length; i++) {
            if (oldDeadline[i] != FREE && oldDeadline[i] >= forgetBefore) {
                int slot = find(oldHigh[i], oldLow[i]);
                high[slot] = oldHigh[i];
                low[slot] = oldLow[i];
                deadline[slot] = oldDeadline[i];
                size++;
            }
        }
    }

    private void allocate(int capacity) {
        high = new long[capacity];
        low = new long[capacity];
        deadline = new long[capacity];
        java.util.Arrays.fill(deadline, FREE);
    }
}
