package io.spillway.processor.orders;

import io.spillway.contract.EventJson;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code orders.requested} a batch at a time and answers every record: a decision on
 * {@code orders.results}, or the record itself on {@code orders.dlq} when it cannot be read.
 *
 * <p>Exactly once without a distributed transaction. The order of events for a batch is: decide and
 * commit each item's decisions to PostgreSQL; publish every decision and wait for the broker's
 * acknowledgements; return, after which the container commits the batch's offsets. A crash anywhere
 * before the offset commit makes the broker deliver the batch again; the orders decided before the
 * crash are then found in the {@code orders} table and their stored decisions are published again
 * unchanged instead of being decided a second time. So the database and the published decision can
 * never diverge, and the only visible effect of a crash is that a decision may be published twice,
 * identically, which {@code orders.results}' readers must (and can) ignore.
 *
 * <p>Shutdown and rebalance: a batch is always finished or failed as a whole, never half-committed.
 * The container stops only between batches (it waits for the one in hand), and offsets are committed
 * only after a batch returned. A batch whose partitions were revoked meanwhile (possible only while the
 * error handler holds a failing batch and polls) is finished anyway: if the new owner decides the same
 * orders at the same time, the version-guarded writes let exactly one transaction win and the other
 * replays its stored decisions, so both publish the same answer.
 *
 * <p>Limits: ordering is kept per item (records of one item share a partition and are decided in the
 * batch's order); the items of a batch are decided one after another on the listener's thread, so
 * throughput comes from the container's concurrency over the topic's partitions.
 */
@Component
class OrderRequestListener {

    /** The container's id in {@code KafkaListenerEndpointRegistry}: stop and start it by this name. */
    static final String ID = "order-processor";

    private final ItemBatchDecider decider;
    private final DecisionPublisher publisher;
    private final DatabaseCircuit database;
    private final DecisionMetrics metrics;

    OrderRequestListener(
            ItemBatchDecider decider, DecisionPublisher publisher, DatabaseCircuit database, DecisionMetrics metrics) {
        this.decider = decider;
        this.publisher = publisher;
        this.database = database;
        this.metrics = metrics;
    }

    // The group is spring.kafka.consumer.group-id, never the listener id; named here as well so that it
    // holds even where another module's application.yml shadows this one (all services in one JVM).
    @KafkaListener(
            id = ID,
            groupId = "${spring.kafka.consumer.group-id:${SPILLWAY_PROCESSOR_GROUP:order-processor}}",
            topics = "#{@topics.requested()}",
            batch = "true")
    void onBatch(List<ConsumerRecord<byte[], byte[]>> records) {
        metrics.batch(records.size());
        Map<ItemKey, List<OrderRequested>> byItem = new LinkedHashMap<>();
        List<DeadLetter> unreadable = new ArrayList<>();
        Map<OrderId, Headers> requestHeaders = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            OrderRequested request;
            try {
                request = EventJson.read(record.value(), OrderRequested.class);
            } catch (RuntimeException e) {
                // MalformedEventException, or anything else reading throws: either way it cannot be decided.
                String cause = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
                unreadable.add(new DeadLetter(record, "unreadable", cause));
                continue;
            }
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (!request.itemKey().toString().equals(key)) {
                // Keyed otherwise, it may sit in another partition than its item's line: deciding it
                // here could put it ahead of orders that came first.
                unreadable.add(new DeadLetter(
                        record, "key-mismatch", "the key " + key + " is not the order's item " + request.itemKey()));
                continue;
            }
            byItem.computeIfAbsent(request.itemKey(), item -> new ArrayList<>()).add(request);
            requestHeaders.putIfAbsent(request.orderId(), record.headers());
        }
        List<OrderDecision> decisions = new ArrayList<>(records.size());
        // An item whose transaction fails (or finds the circuit open) fails the batch: nothing of it is
        // committed to Kafka, the items decided before it are replayed when the batch comes again.
        byItem.forEach((item, requests) -> decisions.addAll(database.call(() -> decider.decide(item, requests))));
        publisher.publish(decisions, requestHeaders, unreadable);
        unreadable.forEach(letter -> metrics.deadLettered(letter.kind()));
    }
}
