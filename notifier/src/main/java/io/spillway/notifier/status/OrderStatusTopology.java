package io.spillway.notifier.status;

import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The order-status table: every order's latest state, keyed by order id, in the state store
 * {@link #STORE}, built from the requests (QUEUED, with the request's place in its line) and the
 * decisions (CONFIRMED or REJECTED). Each new value of the table is handed to an
 * {@link OrderStatusListener}.
 *
 * <p>Limits: the store is local to the instance that owns the order's partition of the repartition
 * topic; with one instance it holds every order. Records that cannot be read are skipped by the
 * configured deserialization exception handler, never by this topology.
 */
public final class OrderStatusTopology {

    /** The queryable store holding the table. */
    public static final String STORE = "order-status";

    private OrderStatusTopology() {}

    public static void build(StreamsBuilder builder, Topics topics, OrderStatusListener listener) {
        OrderStatusSerde statusSerde = new OrderStatusSerde();

        KStream<String, OrderStatus> queued = builder
                // Keyed saleId/sku by ingest; the key is not needed, the value names the order.
                .stream(topics.requested(), Consumed.with(Serdes.String(), EventSerde.requests()).withName("requests"))
                // A tombstone says nothing about an order.
                .filter((item, request) -> request != null, Named.as("drop-empty-requests"))
                // The request's partition and offset are its place in the line; only the record context knows them.
                .process(QueuedWithPlaceInLine::new, Named.as("queued-with-place-in-line"));

        KStream<String, OrderStatus> decided = builder
                // The processor's final word on each order; anything unreadable is skipped by the handler.
                .stream(topics.results(), Consumed.with(Serdes.String(), EventSerde.decisions()).withName("decisions"))
                // A tombstone says nothing about an order.
                .filter((orderId, decision) -> decision != null, Named.as("drop-empty-decisions"))
                // Keyed by the value's order id, so the table does not depend on how the processor chose the key.
                .map((key, decision) -> KeyValue.pair(decision.orderId().toString(), OrderStatus.decided(decision)),
                        Named.as("decided-by-order"));

        queued
                // One order's request and decision reach the table through one stream of updates.
                .merge(decided, Named.as("order-updates"))
                // Brings an order's request and decision to the same task, whatever the source partitions.
                .repartition(Repartitioned.with(Serdes.String(), statusSerde).withName("updates-by-order"))
                // Already keyed and partitioned by order: grouping needs no second repartition.
                .groupByKey(Grouped.with("status-by-order", Serdes.String(), statusSerde))
                // The first decision is final; a late or repeated request and a repeated decision change nothing.
                .reduce(OrderStatus::merge, Named.as("merge-status"),
                        Materialized.<String, OrderStatus, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(statusSerde)
                                // Without a cache every change reaches subscribers at once, not at the next commit.
                                .withCachingDisabled())
                // Each new value of the table, as a stream of changes.
                .toStream(Named.as("status-changes"))
                // Subscribers hear of a change as soon as the table holds it.
                .foreach((orderId, status) -> listener.changed(status), Named.as("notify-subscribers"));
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
