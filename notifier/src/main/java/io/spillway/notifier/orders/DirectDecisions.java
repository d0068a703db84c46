package io.spillway.notifier.orders;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spillway.contract.EventJson;
import io.spillway.contract.OrderId;
import io.spillway.notifier.feed.WholeTopicReader;
import io.spillway.notifier.status.DecisionHops;
import io.spillway.notifier.status.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The direct feed: this instance's own plain consumer of {@code orders.results}, which hands each
 * result (decision, end of a hold, refused payment) straight to the local streams of its order. The order-status table takes two Kafka
 * Streams hops (repartition, then the status topic) and falls behind at thousands of decisions a
 * second; this path costs one fetch and, for an order someone here waits for, one parse.
 *
 * <p>No consumer group: it is assigned every partition and starts at the end when the instance
 * starts (what happened before is in the table). Partitions added later are picked up within
 * {@link WholeTopicReader#PARTITION_REFRESH} and read from their beginning. It never commits.
 *
 * <p>Cheap by design: the record key (the order id, by the contract) is checked against the open
 * streams first and the value is read only for an order someone waits for, with the contract's
 * reader ({@link EventJson}), as the table reads it. Handing over never blocks: a stream only takes
 * note of the decision and asks its worker pool for a step, so a slow client cannot hold up the
 * poll loop.
 *
 * <p>Limits: it is a shortcut, not the record. A decision this feed misses (the instance just
 * started, the consumer failed) still reaches the stream through the table; how a stream merges
 * the two roads is {@link OrderStream}'s rule. GET and late subscribers answer from the table
 * only, so for a moment after a stream ended with the decision, GET may still say QUEUED.
 */
final class DirectDecisions extends WholeTopicReader {

    private static final Logger log = LoggerFactory.getLogger(DirectDecisions.class);

    private static final Duration POLL = Duration.ofSeconds(1);

    private final Subscriptions subscriptions;
    private final Timer polled;

    /**
     * @param consumerConfig the application's consumer settings (bootstrap servers, security); the
     *     group, commits, offsets reset and deserializers are {@link WholeTopicReader}'s own
     */
    DirectDecisions(String topic, Map<String, Object> consumerConfig, String clientId,
            Subscriptions subscriptions, MeterRegistry meters) {
        super(topic, clientId, consumerConfig, POLL);
        this.subscriptions = subscriptions;
        // The per-hop metric of the table (DecisionHops.TABLE, GLOBAL), one hop more: the direct feed's lag.
        this.polled = Timer.builder("spillway.notifier.decision.hop.latency")
                .description("From the decision record's timestamp to a stage of the order-status table")
                .tag("hop", DecisionHops.DIRECT)
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    @Override
    protected void positionAtStart(KafkaConsumer<byte[], byte[]> kafka, Set<TopicPartition> assigned) {
        // Decisions from before this instance started are in the table; nobody here waited for them.
        kafka.seekToEnd(assigned);
        // Resolved now, not at the first poll: "the end" is the end at start-up.
        assigned.forEach(kafka::position);
        log.info("Direct feed of {} reading {} partitions from their end", topic(), assigned.size());
    }

    @Override
    protected String whenStopped() {
        return "; decisions reach streams through the order-status table only";
    }

    @Override
    protected void handle(ConsumerRecord<byte[], byte[]> record) {
        polled.record(Math.max(0, System.currentTimeMillis() - record.timestamp()), TimeUnit.MILLISECONDS);
        OrderId keyed = record.key() == null ? null
                : OrderId.parseOrNull(new String(record.key(), StandardCharsets.ISO_8859_1));
        if (keyed != null && !subscriptions.watches(keyed)) {
            // The common case: nobody here waits for this order, and the value is never read.
            return;
        }
        OrderStatus decision = read(record.value());
        if (decision != null && (keyed == null || subscriptions.watches(decision.orderId()))) {
            subscriptions.decided(decision, record.timestamp());
        }
    }

    /**
     * What the result says of its order (a decision, the end of a hold, a refused payment) as an
     * update of its status, or null for a record the contract's reader refuses (an unknown type
     * included): the table's reader refuses it too, so no stream would ever hear of it.
     */
    static OrderStatus read(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return OrderStatus.of(EventJson.readResult(value));
        } catch (RuntimeException unreadable) {
            // MalformedEventException, or anything else a malformed record provokes: the poll loop goes on.
            return null;
        }
    }
}
