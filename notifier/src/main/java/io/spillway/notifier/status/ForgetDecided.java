package io.spillway.notifier.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Keeps the order-status table bounded: a terminal order leaves it {@code retention} after its
 * decision or the end of its hold; a held order stays while it is held. Runs on the instance that owns the order's partition of the table: it deletes the row
 * from the partitioned store (a tombstone on its changelog) and sends a tombstone down the status
 * topic, so that every instance's global store forgets the order too, and compaction then drops
 * it from both topics. The order is answered from then on by the system of record (docs/notifier.md,
 * "Decided orders leave the table").
 *
 * <p>Passes every change of the table on, unchanged, to the status topic.
 *
 * <p>Limits: each round reads the owner's whole share of the table (wall-clock punctuation every
 * {@link #interval}); with decided orders leaving it, that share is what one retention's worth of
 * orders holds. A request or decision that arrives again after its order left (a replay) makes a
 * row again; a decision leaves in the next round, an old request stays queued in the table (the
 * fallback's rule asks the system of record for it), until the topic's own retention.
 */
final class ForgetDecided implements Processor<String, OrderStatus, String, OrderStatus> {

    private final Duration retention;
    private ProcessorContext<String, OrderStatus> context;
    private TimestampedKeyValueStore<String, OrderStatus> table;

    /** @param retention zero: decided orders stay */
    ForgetDecided(Duration retention) {
        this.retention = retention;
    }

    /** A tenth of the retention, within [1 s, 10 min]: an order leaves at most that late. */
    static Duration interval(Duration retention) {
        Duration tenth = retention.dividedBy(10);
        if (tenth.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return tenth.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : tenth;
    }

    @Override
    public void init(ProcessorContext<String, OrderStatus> context) {
        this.context = context;
        if (!retention.isZero()) {
            table = context.getStateStore(OrderStatusTopology.STORE);
            context.schedule(interval(retention), PunctuationType.WALL_CLOCK_TIME, this::forget);
        }
    }

    @Override
    public void process(Record<String, OrderStatus> record) {
        context.forward(record);
    }

    private void forget(long now) {
        Instant decidedBefore = Instant.ofEpochMilli(now).minus(retention);
        List<String> leaving = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<OrderStatus>> rows = table.all()) {
            while (rows.hasNext()) {
                KeyValue<String, ValueAndTimestamp<OrderStatus>> row = rows.next();
                OrderStatus status = row.value == null ? null : row.value.value();
                // A held order is not terminal: it stays until its hold ends. A row only a refused payment
                // made (a late refusal of an order that already left) goes too; the system of record answers.
                if (status != null && (status.isTerminal() || status.isPaymentOnly())
                        && status.updatedAt().isBefore(decidedBefore)) {
                    leaving.add(row.key);
                }
            }
        }
        for (String orderId : leaving) {
            table.delete(orderId);
            context.forward(new Record<>(orderId, null, now));
        }
    }
}
