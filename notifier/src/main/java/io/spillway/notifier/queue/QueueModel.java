package io.spillway.notifier.queue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Position and ETA of queued orders, from the processor group's progress through each partition of
 * {@code orders.requested}. A request at offset {@code o} of a partition whose committed offset is
 * {@code c} has {@code o - c} records ahead of it; the line's observed {@link DecisionRate} turns
 * that into seconds.
 *
 * <p>Limits: every record ahead counts, whatever sale it belongs to (the processor decides them in
 * that order anyway), and a record it will skip as unreadable counts too. Before the group has
 * committed on a partition the position is counted from offset 0. Thread-safe: one task feeds it,
 * any thread asks.
 */
public final class QueueModel {

    private final Map<Integer, Long> committed = new HashMap<>();
    private final Map<Integer, DecisionRate> rates = new HashMap<>();

    /**
     * One look at the lines.
     *
     * @param atMillis a monotonic time in milliseconds
     * @param committedOffsets the group's committed offset per partition; a partition it has not
     *     committed on is absent
     * @param endOffsets the end offset per partition
     */
    public synchronized void observe(long atMillis, Map<Integer, Long> committedOffsets, Map<Integer, Long> endOffsets) {
        Set<Integer> partitions = new HashSet<>(committed.keySet());
        partitions.addAll(committedOffsets.keySet());
        for (int partition : partitions) {
            Long offset = committedOffsets.get(partition);
            Long end = endOffsets.get(partition);
            if (offset == null) {
                // The group's commits on this partition are gone (deleted, expired): so is what they taught.
                committed.remove(partition);
                rates.remove(partition);
            } else {
                committed.put(partition, offset);
                if (end != null) {
                    rates.computeIfAbsent(partition, p -> new DecisionRate()).observe(atMillis, offset, end);
                }
            }
        }
    }

    /** Where the request at {@code offset} of {@code partition} stands, if it is still undecided. */
    public synchronized QueueEstimate estimate(int partition, long offset) {
        Long next = committed.get(partition);
        long position = Math.max(0, offset - (next == null ? 0 : next));
        DecisionRate rate = rates.get(partition);
        OptionalDouble perSecond = rate == null ? OptionalDouble.empty() : rate.perSecond();
        if (next == null || perSecond.isEmpty() || perSecond.getAsDouble() <= 0) {
            // Nothing to divide by: the line's speed is unknown, or it is not moving at all.
            return new QueueEstimate(position, null, 0);
        }
        // The order itself must be decided too, hence the one after those ahead of it.
        long eta = (long) Math.ceil((position + 1) / perSecond.getAsDouble());
        double confidence = Math.round(rate.confidence() * 100) / 100.0;
        return new QueueEstimate(position, eta, confidence);
    }
}
