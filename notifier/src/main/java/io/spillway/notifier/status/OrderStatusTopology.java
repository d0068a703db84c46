package io.spillway.notifier.status;

import io.spillway.contract.EventSerde;
import io.spillway.contract.EventJson;
import io.spillway.contract.OrderResult;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.Topics;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The order-status table: every order's latest state, keyed by order id, built from the requests
 * (QUEUED, with the request's place in its line) and everything {@code orders.results} says of an
 * order (its decision, the end of its hold, a refused payment), merged by {@link OrderStatus#merge}.
 *
 * <p>Two stages. The partitioned table {@link #STORE} applies the merge rule; each order lives on
 * the one instance that owns its partition. Its changes are written to the compacted status topic,
 * which every instance reads whole into the global store {@link #GLOBAL_STORE}: that is what
 * answers {@code GET} and feeds the {@link OrderStatusListener}, so any instance serves any order
 * and its subscribers hear every change (docs/notifier.md weighs this against routed queries).
 *
 * <p>Limits: a change reaches the global store one produce and one fetch after the table; every
 * instance keeps every order (on disk, in RocksDB) until it is decided and the decided retention
 * has passed ({@link ForgetDecided}). Records that cannot be read are skipped by the
 * configured deserialization exception handler, never by this topology.
 */
public final class OrderStatusTopology {

    /** The partitioned table, where the merge rule is applied. */
    public static final String STORE = "order-status";

    /** Every order's status, on every instance: the store that is queried. */
    public static final String GLOBAL_STORE = "order-status-global";

    /** The values of {@code orders.results}, in the contract's form ({@link EventJson#readResult}). */
    static final Serde<OrderResult> RESULTS = Serdes.serdeFrom(
            (topic, result) -> result == null ? null : EventJson.writeResult(result),
            (topic, bytes) -> bytes == null ? null : EventJson.readResult(bytes));

    private OrderStatusTopology() {}

    /**
     * @param statusTopic the compacted topic carrying the table to every instance
     * @param listener hears every change of the global store, on every instance
     * @param ownerChanges hears every change of the partitioned table, on the one instance that
     *     owns the order: where something must happen once per order, not once per instance
     */
    public static void build(StreamsBuilder builder, Topics topics, String statusTopic,
            OrderStatusListener listener, Consumer<OrderStatus> ownerChanges) {
        build(builder, topics, statusTopic, Duration.ZERO, Duration.ZERO, listener, ownerChanges, DecisionHops.NONE);
    }

    /**
     * @param retention how long the table's changelog keeps an order after its last change; zero
     *     keeps it for ever (compaction only)
     * @param decidedRetention how long a decided order stays in the table after its decision; zero
     *     keeps it ({@link ForgetDecided})
     * @param hops hears when each decision reached the partitioned table and the global store
     */
    public static void build(StreamsBuilder builder, Topics topics, String statusTopic, Duration retention,
            Duration decidedRetention, OrderStatusListener listener, Consumer<OrderStatus> ownerChanges,
            DecisionHops hops) {
        OrderStatusSerde statusSerde = new OrderStatusSerde();

        KStream<String, OrderStatus> queued = builder
                // Keyed saleId/sku by ingest; the key is not needed, the value names the order.
                .stream(topics.requested(), Consumed.with(Serdes.String(), EventSerde.requests()).withName("requests"))
                // A tombstone says nothing about an order.
                .filter((item, request) -> request != null, Named.as("drop-empty-requests"))
                // The request's partition and offset are its place in the line; only the record context knows them.
                .process(QueuedWithPlaceInLine::new, Named.as("queued-with-place-in-line"));

        KStream<String, OrderResult> decisions = builder
                // The processor's word on each order: decisions, ends of holds, refused payments. Anything
                // unreadable, an unknown type included, is skipped (and counted) by the handler.
                .stream(topics.results(), Consumed.with(Serdes.String(), RESULTS).withName("decisions"))
                // A tombstone says nothing about an order.
                .filter((orderId, decision) -> decision != null, Named.as("drop-empty-decisions"));
        int partitions = topics.partitions();
        // As the contract has it (keyed by order id, default partitioner), a decision already sits where the
        // repartition would send its order: it reaches the table directly, without a produce and a fetch.
        KStream<String, OrderStatus> decidedInPlace = decisions
                .processValues(() -> new DecidedInPlace(partitions), Named.as("decided-in-place"));
        // Any other key or partition: keyed by the value's order id, so the table does not depend on how the
        // processor chose the key.
        KStream<String, OrderStatus> decidedElsewhere = decisions
                .process(() -> new DecidedElsewhere(partitions), Named.as("decided-elsewhere"));

        queued
                // One order's request and decision reach the table through one stream of updates.
                .merge(decidedElsewhere, Named.as("order-updates"))
                // Brings an order's request and decision to the same task, whatever the source partitions.
                .repartition(Repartitioned.with(Serdes.String(), statusSerde).withName("updates-by-order")
                        // Fixed, so that DecidedInPlace knows where an order id goes.
                        .withNumberOfPartitions(partitions))
                // Read by the same task as the repartitioned updates of the same order ids.
                .merge(decidedInPlace, Named.as("decisions-in-place"))
                // Already keyed and partitioned by order: grouping needs no second repartition.
                .groupByKey(Grouped.with("status-by-order", Serdes.String(), statusSerde))
                // The order's state machine: only a higher rank moves it; repeats and late arrivals change nothing.
                .reduce(OrderStatus::merge, Named.as("merge-status"),
                        Materialized.<String, OrderStatus, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(statusSerde)
                                // The changelog would otherwise keep every order for ever, as the status topic would.
                                .withLoggingEnabled(retentionConfig(retention))
                                // Without a cache every change reaches subscribers at once, not at the next commit.
                                .withCachingDisabled())
                // Each new value of the table, as a stream of changes.
                .toStream(Named.as("status-changes"))
                // Once per order across instances (the ETA audit), not once per instance.
                .processValues(() -> new OwnerStage(ownerChanges, hops), Named.as("owner-changes"))
                // Bounded: decided orders leave the table after a while, by tombstones every instance hears.
                .process(() -> new ForgetDecided(decidedRetention), Named.as("forget-decided"), STORE)
                // Every instance reads this topic whole, so each can answer for any order.
                .to(statusTopic, Produced.with(Serdes.String(), statusSerde).withName("status-topic"));

        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GLOBAL_STORE), Serdes.String(), statusSerde)
                        // The status topic is its own changelog.
                        .withLoggingDisabled(),
                statusTopic,
                Consumed.with(Serdes.String(), statusSerde).withName("status-for-every-instance"),
                () -> new GlobalStatusWriter(listener, hops));
    }

    /** Topic configuration of a compacted topic that also forgets orders after {@code retention} (zero: never). */
    public static Map<String, String> retentionConfig(Duration retention) {
        if (retention.isZero() || retention.isNegative()) {
            return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }

    /** Tells the owner of each change, and when a decision reached the table. */
    private static final class OwnerStage extends ContextualFixedKeyProcessor<String, OrderStatus, OrderStatus> {

        private final Consumer<OrderStatus> ownerChanges;
        private final DecisionHops hops;

        OwnerStage(Consumer<OrderStatus> ownerChanges, DecisionHops hops) {
            this.ownerChanges = ownerChanges;
            this.hops = hops;
        }

        @Override
        public void process(FixedKeyRecord<String, OrderStatus> record) {
            if (record.value() != null) {
                ownerChanges.accept(record.value());
                if (record.value().isDecided()) {
                    hops.reached(DecisionHops.TABLE, record.timestamp());
                }
            }
            context().forward(record);
        }
    }

    /** Keeps the global store and tells this instance's subscribers, after the store holds the change. */
    private static final class GlobalStatusWriter implements Processor<String, OrderStatus, Void, Void> {

        private final OrderStatusListener listener;
        private final DecisionHops hops;
        private KeyValueStore<String, OrderStatus> store;

        GlobalStatusWriter(OrderStatusListener listener, DecisionHops hops) {
            this.listener = listener;
            this.hops = hops;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(GLOBAL_STORE);
        }

        @Override
        public void process(Record<String, OrderStatus> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
                return;
            }
            // The table only moves forward; the merge keeps it so even if the topic were replayed out of order.
            OrderStatus merged = OrderStatus.merge(store.get(record.key()), record.value());
            store.put(record.key(), merged);
            if (record.value().isDecided()) {
                hops.reached(DecisionHops.GLOBAL, record.timestamp());
            }
            listener.changed(merged, record.timestamp());
        }
    }

    /**
     * Whether a decision record already sits in the partition the repartition would send its order
     * id to: keyed by that id (as the contract has it) and partitioned as Kafka's default
     * partitioner does, over {@code partitions}. Then the task that reads it is the one that reads
     * the order's repartitioned request, and the record can go to the table as it is.
     */
    static boolean inPlace(String key, OrderResult decision, int partition, int partitions) {
        return key != null
                && key.equals(decision.orderId().toString())
                // What the producer's default partitioner and the repartition's DefaultStreamPartitioner both call.
                && BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions) == partition;
    }

    /** Passes on, as statuses, the decisions that are in place; drops the others (DecidedElsewhere takes them). */
    private static final class DecidedInPlace extends ContextualFixedKeyProcessor<String, OrderResult, OrderStatus> {

        private final int partitions;

        DecidedInPlace(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public void process(FixedKeyRecord<String, OrderResult> record) {
            if (inPlace(record.key(), record.value(), partition(context().recordMetadata()), partitions)) {
                context().forward(record.withValue(OrderStatus.of(record.value())));
            }
        }
    }

    /** Passes on, keyed by order id, the decisions that are not in place; drops the others. */
    private static final class DecidedElsewhere extends ContextualProcessor<String, OrderResult, String, OrderStatus> {

        private final int partitions;

        DecidedElsewhere(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public void process(Record<String, OrderResult> record) {
            if (!inPlace(record.key(), record.value(), partition(context().recordMetadata()), partitions)) {
                context().forward(record.withKey(record.value().orderId().toString())
                        .withValue(OrderStatus.of(record.value())));
            }
        }
    }

    /** The source partition; always present for records read from a source topic, which is the only way here. */
    private static int partition(Optional<RecordMetadata> source) {
        return source.orElseThrow().partition();
    }

    /** Turns a request into a QUEUED status keyed by order id, remembering where the request sits. */
    private static final class QueuedWithPlaceInLine extends ContextualProcessor<String, OrderRequested, String, OrderStatus> {

        @Override
        public void process(Record<String, OrderRequested> record) {
            // Always present for records read from a source topic, which is the only way here.
            RecordMetadata source = context().recordMetadata().orElseThrow();
            OrderRequested request = record.value();
            context().forward(record.withKey(request.orderId().toString())
                    .withValue(OrderStatus.queued(request, source.partition(), source.offset())));
        }
    }
}
