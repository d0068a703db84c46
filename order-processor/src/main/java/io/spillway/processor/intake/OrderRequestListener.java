package io.spillway.processor.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.spillway.contract.EventJson;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderResult;
import io.spillway.processor.operations.DecisionMetrics;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.processor.publish.DecisionPublisher;
import io.spillway.processor.publish.PublicationPipeline;
import io.spillway.processor.store.PollDecider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code orders.requested} a batch at a time and answers every record: a decision on
 * {@code orders.results}, or the record itself on {@code orders.dlq} when it cannot be read.
 *
 * <p>Exactly once without a distributed transaction. The order of events for a batch is: decide and
 * commit the decisions of all its items to PostgreSQL in one transaction ({@link PollDecider}, split
 * only if the database refuses an order: {@link IsolatingDecider}); hand
 * every decision to the producer; release the batch's offsets for commit only once the broker has
 * acknowledged all of them ({@link PublicationPipeline}). A crash anywhere before the offset commit
 * makes the broker deliver the batch again; the orders decided before the crash are then found in the
 * {@code orders} table and their stored decisions are published again unchanged instead of being
 * decided a second time. So the database and the published decision can never diverge, and the only
 * visible effect of a crash is that a decision may be published twice, identically, which
 * {@code orders.results}' readers must (and can) ignore.
 *
 * <p>Pipelined: while the broker acknowledges poll <i>n</i>'s decisions, poll <i>n</i>+1 is read
 * and decided; its decisions are handed over only after poll <i>n</i>'s are all acknowledged, so
 * offsets are committed in poll order and at most two polls are in memory per consumer.
 *
 * <p>Shutdown and rebalance: a batch is always finished or failed as a whole, never half-committed.
 * The container stops only between batches (it waits for the one in hand), and the poll still in
 * flight is completed before partitions are given up. A batch whose partitions were revoked
 * meanwhile (possible only while the error handler holds a failing batch and polls) is finished
 * anyway: if the new owner decides the same orders at the same time, the version-guarded writes let
 * exactly one transaction win and the other replays its stored decisions, so both publish the same
 * answer.
 *
 * <p>Limits: ordering is kept per item (records of one item share a partition and are decided in the
 * batch's order); a batch is one transaction on the listener's thread, so parallelism comes from the
 * container's concurrency over the topic's partitions, and a hot item (one partition) is one thread.
 */
@Component
public class OrderRequestListener {

    /** The container's id in {@code KafkaListenerEndpointRegistry}: stop and start it by this name. */
    public static final String ID = "order-processor";

    private static final ObjectMapper LENIENT = JsonMapper.builder().build();

    /** Polls at least this large are read in parallel; below, splitting costs more than it saves. */
    private static final int PARALLEL_READ = 256;

    private final IsolatingDecider decider;
    private final DecisionPublisher publisher;
    private final PublicationPipeline pipeline;
    private final DecisionMetrics metrics;
    private final HoldSteps holds;
    private final OpeningSteps openings;

    OrderRequestListener(
            IsolatingDecider decider,
            DecisionPublisher publisher,
            PublicationPipeline pipeline,
            DecisionMetrics metrics,
            HoldSteps holds,
            OpeningSteps openings) {
        this.decider = decider;
        this.publisher = publisher;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.holds = holds;
        this.openings = openings;
    }

    // The group is spring.kafka.consumer.group-id, never the listener id; named here as well so that it
    // holds even where another module's application.yml shadows this one (all services in one JVM).
    @KafkaListener(
            id = ID,
            groupId = "${spring.kafka.consumer.group-id:${SPILLWAY_PROCESSOR_GROUP:order-processor}}",
            topics = "#{@topics.requested()}",
            batch = "true")
    void onBatch(List<ConsumerRecord<byte[], byte[]>> records, Acknowledgment ack, Consumer<?, ?> consumer) {
        metrics.batch(records.size());
        long start = System.nanoTime();
        // Reading JSON is the listener's largest CPU cost; a large poll is read on all cores while the
        // broker and the database, which wait for this thread, have nothing to do. Order is kept.
        List<Object> read = (records.size() >= PARALLEL_READ ? records.parallelStream() : records.stream())
                .map(OrderRequestListener::read)
                .toList();
        List<IsolatingDecider.Accepted> accepted = new ArrayList<>(read.size());
        List<DeadLetter> unreadable = new ArrayList<>();
        Map<OrderId, Headers> requestHeaders = new HashMap<>();
        for (int i = 0; i < read.size(); i++) {
            switch (read.get(i)) {
                case OrderRequested request -> {
                    accepted.add(new IsolatingDecider.Accepted(records.get(i), request));
                    // The trace the order came with, continued when its decision is published.
                    requestHeaders.putIfAbsent(request.orderId(), records.get(i).headers());
                }
                case DeadLetter letter -> unreadable.add(letter);
                default -> throw new IllegalStateException("unexpected " + read.get(i));
            }
        }
        // One transaction for the whole poll. If it fails (or finds the circuit open) the batch fails:
        // nothing of it is committed to Kafka or to PostgreSQL, and it is decided when it comes again;
        // unless the database refused what an order holds: then that order is isolated and set aside.
        long parsed = System.nanoTime();
        IsolatingDecider.Outcome outcome = decider.decide(accepted);
        List<OrderResult> decisions = outcome.decisions();
        unreadable.addAll(outcome.refused());
        long decided = System.nanoTime();
        // The previous poll's decisions went out while this one was decided; they must all be with the
        // broker before this poll's are handed over, so that offsets are released in poll order.
        pipeline.settlePrevious();
        long settled = System.nanoTime();
        // Holds end here, between this poll's transaction and the next: at a definite place in the line,
        // after the previous poll's confirmations are with the broker.
        holds.stepIfDue(consumer.assignment(), records.size());
        // The opening's draw and drain, at the same kind of place: after this poll parked what it
        // had to (its transaction committed), so the line has read, and parked, what the poll read.
        openings.read(records);
        openings.stepIfDue(consumer, consumer.assignment());
        pipeline.hold(publisher.publish(decisions, requestHeaders, unreadable, ack::acknowledge));
        metrics.stages(parsed - start, decided - parsed, settled - decided, System.nanoTime() - settled);
        unreadable.forEach(letter -> metrics.deadLettered(letter.kind()));
    }

    /** The order in the record, or the record as a dead letter when it cannot be decided. */
    private static Object read(ConsumerRecord<byte[], byte[]> record) {
        OrderRequested request;
        try {
            request = EventJson.read(record.value(), OrderRequested.class);
        } catch (RuntimeException e) {
            // MalformedEventException, or anything else reading throws: either way it cannot be decided.
            String cause = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            return new DeadLetter(record, newerSchema(record.value()) ? "newer-version" : "unreadable", cause);
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (!request.itemKey().toString().equals(key)) {
            // Keyed otherwise, it may sit in another partition than its item's line: deciding it
            // here could put it ahead of orders that came first.
            return new DeadLetter(
                    record, "key-mismatch", "the key " + key + " is not the order's item " + request.itemKey());
        }
        return request;
    }

    /**
     * Whether an unreadable record is an order of a schema newer than this processor reads, as a
     * newer door writes during a rolling upgrade: a valid order to replay once every processor reads
     * it (docs/processor.md), not garbage. Only asked of records that failed to read.
     */
    private static boolean newerSchema(byte[] value) {
        try {
            JsonNode json = LENIENT.readTree(value);
            return json != null
                    && "OrderRequested".equals(json.path("type").asText())
                    && json.path("schemaVersion").canConvertToInt()
                    && json.path("schemaVersion").isIntegralNumber()
                    && json.path("schemaVersion").intValue() > OrderEvent.SCHEMA_VERSION;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
