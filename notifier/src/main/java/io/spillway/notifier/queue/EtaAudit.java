package io.spillway.notifier.queue;

import java.util.HashMap;
import java.util.Map;
import java.util.Map.Entry;
import java.util.TreeMap;

/**
 * Keeps the ETA each order was given when the notifier first saw it, and when that was, until the
 * processor group's committed offset passes the order: then the actual wait is known and the pair
 * goes to an {@link EtaErrors}. This is how the ETA is measured rather than claimed. A line is any
 * key: an order line is its partition of {@code orders.requested} (places: offsets), a room's line
 * its room id (places: line numbers, resolved one by one as each entry is admitted).
 *
 * <p>Limits: the actual wait ends when the commit that passes the order is seen, so it includes up
 * to one look interval (1 s) and the processor's commit delay. At most {@link #MAX_PER_LINE} orders
 * per line are tracked at once (about 100 bytes each); beyond that new orders are not audited
 * (counted by {@link #skipped()}) rather than let a huge backlog grow the heap. Not thread-safe;
 * {@link QueueModel} guards it.
 */
public final class EtaAudit {

    static final int MAX_PER_LINE = 20_000;

    private record Given(long etaSeconds, long atMillis) {}

    private final Map<Object, TreeMap<Long, Given>> lines = new HashMap<>();
    private final EtaErrors errors;
    private long skipped;

    public EtaAudit(EtaErrors errors) {
        this.errors = errors;
    }

    public void given(Object partition, long offset, long etaSeconds, long atMillis) {
        TreeMap<Long, Given> line = lines.computeIfAbsent(partition, p -> new TreeMap<>());
        if (line.size() >= MAX_PER_LINE) {
            skipped++;
            return;
        }
        // A request seen twice keeps the ETA it was first given.
        line.putIfAbsent(offset, new Given(etaSeconds, atMillis));
    }

    /** Every tracked order below {@code committed} has been decided by now. */
    void passed(Object partition, long committed, long atMillis) {
        TreeMap<Long, Given> line = lines.get(partition);
        if (line == null) {
            return;
        }
        for (Entry<Long, Given> decided = line.pollFirstEntry(); decided != null; decided = line.pollFirstEntry()) {
            if (decided.getKey() >= committed) {
                line.put(decided.getKey(), decided.getValue());
                return;
            }
            Given given = decided.getValue();
            errors.measured(given.etaSeconds(), Math.max(0, atMillis - given.atMillis()) / 1000.0);
        }
    }

    /** The one at {@code place} was served at {@code atMillis}. */
    public void resolved(Object line, long place, long atMillis) {
        TreeMap<Long, Given> tracked = lines.get(line);
        Given given = tracked == null ? null : tracked.remove(place);
        if (given != null) {
            errors.measured(given.etaSeconds(), Math.max(0, atMillis - given.atMillis()) / 1000.0);
        }
    }

    /** The one at {@code place} left without being served: its ETA is not measured. */
    public void dropped(Object line, long place) {
        TreeMap<Long, Given> tracked = lines.get(line);
        if (tracked != null) {
            tracked.remove(place);
        }
    }

    /** The line's commits are gone: nothing tracked there can be resolved. */
    void forget(Object partition) {
        lines.remove(partition);
    }

    public int tracked() {
        return lines.values().stream().mapToInt(TreeMap::size).sum();
    }

    long skipped() {
        return skipped;
    }

    /** Where the measured errors go. */
    @FunctionalInterface
    public interface EtaErrors {

        /**
         * @param givenSeconds the ETA the order was given when first seen
         * @param actualSeconds how long it actually waited from then until decided
         */
        void measured(long givenSeconds, double actualSeconds);
    }
}
