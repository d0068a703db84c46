package io.spillway.notifier.queue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Position and ETA of queued orders, from the processor group's progress through each partition of
 * {@code orders.requested}. A request at offset {@code o} of a partition whose committed offset is
 * {@code c} has {@code o - c} records ahead of it; the line's measured {@link DecisionRate} turns
 * that into seconds.
 *
 * <p>Cold start: a line whose speed is not known yet borrows the mean speed of the lines that have
 * one, at half their confidence (the processor shares its instances between lines); with no line
 * measured at all, the configured cold-start speed is used with confidence 0, or no ETA is given.
 *
 * <p>Every order's first ETA is audited against its actual wait ({@link EtaAudit}).
 *
 * <p>Limits: every record ahead counts, whatever sale it belongs to (the processor decides them in
 * that order anyway), and a record it will skip as unreadable counts too. Before the group has
 * committed on a partition the position is counted from offset 0. Thread-safe: one task feeds it,
 * any thread asks.
 */
public final class QueueModel {

    private final Map<Integer, Long> committed = new HashMap<>();
    private final Map<Integer, DecisionRate> rates = new HashMap<>();
    private final double coldStartPerSecond;
    private final EtaAudit audit;
    private double meanPerSecond = Double.NaN;
    private double meanConfidence;
    private long version;
    private long observedAtMillis = -1;

    /**
     * @param coldStartPerSecond speed assumed before any line was measured; 0 for none
     * @param errors hears each audited order's ETA against its actual wait
     */
    public QueueModel(double coldStartPerSecond, EtaAudit.EtaErrors errors) {
        this.coldStartPerSecond = coldStartPerSecond;
        this.audit = new EtaAudit(errors);
    }

    /**
     * One look at the lines.
     *
     * @param atMillis a monotonic time in milliseconds
     * @param committedOffsets the group's committed offset per partition; a partition it has not
     *     committed on is absent
     * @param endOffsets the end offset per partition
     */
    public synchronized void observe(long atMillis, Map<Integer, Long> committedOffsets, Map<Integer, Long> endOffsets) {
        observedAtMillis = atMillis;
        Map<Integer, Long> committedBefore = Map.copyOf(committed);
        Map<Integer, Double> ratesBefore = rateSnapshot();
        Set<Integer> partitions = new HashSet<>(committed.keySet());
        partitions.addAll(committedOffsets.keySet());
        for (int partition : partitions) {
            Long offset = committedOffsets.get(partition);
            Long end = endOffsets.get(partition);
            if (offset == null) {
                // The group's commits on this partition are gone (deleted, expired): so is what they taught.
                committed.remove(partition);
                rates.remove(partition);
                audit.forget(partition);
            } else {
                committed.put(partition, offset);
                audit.passed(partition, offset, atMillis);
                if (end != null) {
                    rates.computeIfAbsent(partition, p -> new DecisionRate()).observe(atMillis, offset, end);
                }
            }
        }
        double sum = 0;
        double confidence = 0;
        int measured = 0;
        for (DecisionRate rate : rates.values()) {
            OptionalDouble perSecond = rate.perSecond();
            if (perSecond.isPresent()) {
                sum += perSecond.getAsDouble();
                confidence += rate.confidence();
                measured++;
            }
        }
        meanPerSecond = measured == 0 ? Double.NaN : sum / measured;
        meanConfidence = measured == 0 ? 0 : confidence / measured;
        if (!committedBefore.equals(committed) || !ratesBefore.equals(rateSnapshot())) {
            version++;
        }
    }

    private Map<Integer, Double> rateSnapshot() {
        Map<Integer, Double> snapshot = new HashMap<>();
        rates.forEach((partition, rate) -> snapshot.put(partition,
                rate.perSecond().orElse(-1) * 1000 + Math.round(rate.confidence() * 100)));
        return snapshot;
    }

    /**
     * Grows whenever an estimate may have changed: an idle stream whose order did not change and
     * whose model did not move has nothing new to render, which keeps ten thousand idle streams
     * from re-rendering every second.
     */
    public synchronized long version() {
        return version;
    }

    /** Where the request at {@code offset} of {@code partition} stood at the last look. */
    public synchronized QueueEstimate estimate(int partition, long offset) {
        return estimate(partition, offset, observedAtMillis);
    }

    /**
     * Where the request at {@code offset} of {@code partition} stands at {@code atMillis} (the
     * clock of {@link #observe}). The committed offsets are up to one look old; a line known to
     * move at {@code r} a second has moved about {@code r} × that age since, which the ETA takes
     * off so that it is not biased upwards by the age of the look. The position itself stays what
     * the last look showed: a count that only ever falls.
     */
    public synchronized QueueEstimate estimate(int partition, long offset, long atMillis) {
        Long next = committed.get(partition);
        long seen = Math.max(0, offset - (next == null ? 0 : next));
        DecisionRate rate = rates.get(partition);
        OptionalDouble own = rate == null ? OptionalDouble.empty() : rate.perSecond();
        double perSecond;
        double confidence;
        if (own.isPresent()) {
            perSecond = own.getAsDouble();
            confidence = rate.confidence();
        } else if (!Double.isNaN(meanPerSecond)) {
            perSecond = meanPerSecond;
            confidence = meanConfidence / 2;
        } else {
            perSecond = coldStartPerSecond;
            confidence = 0;
        }
        long ahead = seen;
        if (own.isPresent() && observedAtMillis >= 0 && atMillis > observedAtMillis) {
            // At most two looks' worth is extrapolated: beyond that the look is stale, not the line fast.
            double age = Math.min(atMillis - observedAtMillis, 2_000) / 1000.0;
            ahead = Math.max(0, seen - Math.round(perSecond * age));
        }
        if (perSecond <= 0) {
            // Nothing to divide by: the line's speed is unknown, or it is not moving at all.
            return new QueueEstimate(seen, null, 0);
        }
        // The order itself must be decided too, hence the one after those ahead of it. Rounded, not
        // ceiled: a ceiling would bias every estimate upwards by half a second on average.
        long eta = Math.max(1, Math.round((ahead + 1) / perSecond));
        return new QueueEstimate(seen, eta, Math.round(confidence * 100) / 100.0);
    }

    /**
     * How long {@code ahead} orders take in {@code partition}'s line (null: the line is not known,
     * the lines' mean or the cold-start speed is used): for an order whose place is not its offset,
     * such as a place in an opening's draw.
     */
    public synchronized QueueEstimate estimateAhead(Integer partition, long ahead, long atMillis) {
        DecisionRate rate = partition == null ? null : rates.get(partition);
        OptionalDouble own = rate == null ? OptionalDouble.empty() : rate.perSecond();
        double perSecond;
        double confidence;
        if (own.isPresent()) {
            perSecond = own.getAsDouble();
            confidence = rate.confidence();
        } else if (!Double.isNaN(meanPerSecond)) {
            perSecond = meanPerSecond;
            confidence = meanConfidence / 2;
        } else {
            perSecond = coldStartPerSecond;
            confidence = 0;
        }
        if (perSecond <= 0) {
            return new QueueEstimate(ahead, null, 0);
        }
        long eta = Math.max(1, Math.round((ahead + 1) / perSecond));
        return new QueueEstimate(ahead, eta, Math.round(confidence * 100) / 100.0);
    }

    /**
     * The notifier sees the request at {@code offset} of {@code partition} for the first time: the
     * ETA it gets now is the one audited against its actual wait.
     *
     * @param atMillis the same monotonic clock as {@link #observe}
     */
    public synchronized void firstSeen(int partition, long offset, long atMillis) {
        Long next = committed.get(partition);
        if (next != null && offset < next) {
            // Already decided (a replay or a restore): there is no wait left to measure.
            return;
        }
        QueueEstimate estimate = estimate(partition, offset, atMillis);
        if (estimate.etaSeconds() != null) {
            audit.given(partition, offset, estimate.etaSeconds(), atMillis);
        }
    }

    /** Orders whose first ETA waits for its outcome. */
    public synchronized int audited() {
        return audit.tracked();
    }
}
