package io.spillway.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.spillway.contract.CustomerId;
import io.spillway.contract.EventJson;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderPaid;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.PaymentRefused;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrderStatusTopologyTest {

    private static final Topics TOPICS = Topics.DEFAULTS;
    private static final Instant REQUESTED_AT = Instant.parse("2026-12-24T09:00:00Z");
    private static final Instant DECIDED_AT = Instant.parse("2026-12-24T09:00:03.120Z");

    @TempDir
    Path stateDir;

    private final List<OrderStatus> heard = new ArrayList<>();
    private final List<Long> heardTimestamps = new ArrayList<>();
    private final List<OrderStatus> owned = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, OrderRequested> requests;
    private TestInputTopic<String, OrderDecision> decisions;
    private KeyValueStore<String, OrderStatus> table;

    @BeforeEach
    void startTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        OrderStatusTopology.build(builder, TOPICS, "notifier-status", (status, timestamp) -> {
            heard.add(status);
            heardTimestamps.add(timestamp);
        }, owned::add);
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "notifier-topology-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                SkipUnreadableRecords.class);
        driver = new TopologyTestDriver(builder.build(), config);
        requests = driver.createInputTopic(TOPICS.requested(), new StringSerializer(), EventSerde.requests());
        decisions = driver.createInputTopic(TOPICS.results(), new StringSerializer(), EventSerde.decisions());
        // The global copy, which answers queries, must agree with the partitioned table at every step.
        table = driver.getKeyValueStore(OrderStatusTopology.GLOBAL_STORE);
    }

    @AfterEach
    void stopTopology() {
        driver.close();
    }

    @Test
    void aRequestIsQueuedWithItsPlaceInLineAndItsConfirmationConfirmsIt() {
        OrderRequested other = request("someone-else", "VIP", "A-9");
        OrderRequested order = request("buyer", "VIP", "A-1", "A-2");
        requests.pipeInput(other.itemKey().toString(), other);
        requests.pipeInput(order.itemKey().toString(), order);

        OrderStatus queued = table.get(order.orderId().toString());
        assertThat(queued.state()).isEqualTo(OrderState.QUEUED);
        assertThat(queued.saleId()).isEqualTo(SaleId.of("concert"));
        assertThat(queued.sku()).isEqualTo(Sku.of("VIP"));
        assertThat(queued.quantity()).isEqualTo(2);
        assertThat(queued.seats()).containsExactly(SeatId.of("A-1"), SeatId.of("A-2"));
        assertThat(queued.requestPartition()).isZero();
        assertThat(queued.requestOffset()).isEqualTo(1L);
        assertThat(queued.updatedAt()).isEqualTo(REQUESTED_AT);

        long decisionTimestamp = System.currentTimeMillis() + 60_000;
        decisions.pipeInput(order.orderId().toString(), confirmed(order), decisionTimestamp);

        OrderStatus confirmed = table.get(order.orderId().toString());
        // Delivery latency is measured from the decision record's own timestamp, carried to every instance.
        assertThat(heardTimestamps.getLast()).isEqualTo(decisionTimestamp);
        // The owner hears each change once, as the global listeners do.
        assertThat(owned).extracting(OrderStatus::state).containsExactly(
                OrderState.QUEUED, OrderState.QUEUED, OrderState.CONFIRMED);
        assertThat(confirmed.state()).isEqualTo(OrderState.CONFIRMED);
        assertThat(confirmed.seats()).containsExactly(SeatId.of("A-1"), SeatId.of("A-2"));
        assertThat(confirmed.reason()).isNull();
        assertThat(confirmed.updatedAt()).isEqualTo(DECIDED_AT);
        assertThat(heard).extracting(OrderStatus::orderId, OrderStatus::state).containsExactly(
                tuple(other.orderId(), OrderState.QUEUED),
                tuple(order.orderId(), OrderState.QUEUED),
                tuple(order.orderId(), OrderState.CONFIRMED));
    }

    @Test
    void aRejectionCarriesItsReasonAndTheKeyOfTheDecisionRecordDoesNotMatter() {
        OrderRequested order = request("buyer", "GA");
        requests.pipeInput(order.itemKey().toString(), order);
        decisions.pipeInput((String) null, OrderRejected.of(order, RejectionReason.SOLD_OUT, DECIDED_AT));

        OrderStatus rejected = table.get(order.orderId().toString());
        assertThat(rejected.state()).isEqualTo(OrderState.REJECTED);
        assertThat(rejected.reason()).isEqualTo(RejectionReason.SOLD_OUT);
        assertThat(rejected.requestOffset()).isZero();
    }

    @Test
    void aTerminalStateIsNeverOverwrittenByALateOrRepeatedRequest() {
        OrderRequested decidedFirst = request("early-decision", "GA");
        decisions.pipeInput(decidedFirst.orderId().toString(), rejected(decidedFirst));
        requests.pipeInput(decidedFirst.itemKey().toString(), decidedFirst);

        OrderRequested repeated = request("repeat", "GA");
        requests.pipeInput(repeated.itemKey().toString(), repeated);
        decisions.pipeInput(repeated.orderId().toString(), confirmed(repeated));
        requests.pipeInput(repeated.itemKey().toString(), repeated);

        assertThat(table.get(decidedFirst.orderId().toString()).state()).isEqualTo(OrderState.REJECTED);
        assertThat(table.get(repeated.orderId().toString()).state()).isEqualTo(OrderState.CONFIRMED);
        assertThat(heard).filteredOn(s -> s.orderId().equals(decidedFirst.orderId()))
                .extracting(OrderStatus::state)
                .containsOnly(OrderState.REJECTED);
    }

    @Test
    void repeatedRecordsChangeNothing() {
        OrderRequested order = request("buyer", "VIP", "A-1");
        requests.pipeInput(order.itemKey().toString(), order);
        OrderRequested between = request("between", "VIP", "A-2");
        requests.pipeInput(between.itemKey().toString(), between);
        requests.pipeInput(order.itemKey().toString(), order);

        // The first record of the order holds its place in the line.
        assertThat(table.get(order.orderId().toString()).requestOffset()).isZero();

        decisions.pipeInput(order.orderId().toString(), confirmed(order));
        OrderStatus first = table.get(order.orderId().toString());
        decisions.pipeInput(order.orderId().toString(), confirmed(order));
        decisions.pipeInput(order.orderId().toString(),
                OrderRejected.of(order, RejectionReason.SEAT_TAKEN, DECIDED_AT.plusSeconds(5)));

        assertThat(table.get(order.orderId().toString())).isEqualTo(first);
        assertThat(first.state()).isEqualTo(OrderState.CONFIRMED);
        assertThat(first.updatedAt()).isEqualTo(DECIDED_AT);
    }

    @Test
    void aDecisionInPlaceSkipsTheRepartitionAndOneElsewhereTakesIt() {
        // The test driver reads every input record from partition 0.
        OrderRequested inPlace = requestWhere(true);
        OrderRequested elsewhere = requestWhere(false);
        String repartition = "notifier-topology-test-updates-by-order-repartition";

        decisions.pipeInput(inPlace.orderId().toString(), confirmed(inPlace));
        assertThat(table.get(inPlace.orderId().toString()).state()).isEqualTo(OrderState.CONFIRMED);
        assertThat(driver.producedTopicNames()).doesNotContain(repartition);

        decisions.pipeInput(elsewhere.orderId().toString(), confirmed(elsewhere));
        assertThat(table.get(elsewhere.orderId().toString()).state()).isEqualTo(OrderState.CONFIRMED);
        assertThat(driver.producedTopicNames()).contains(repartition);

        // Either way the decision met the same table as the requests, which always cross the repartition.
        requests.pipeInput(inPlace.itemKey().toString(), inPlace);
        requests.pipeInput(elsewhere.itemKey().toString(), elsewhere);
        assertThat(table.get(inPlace.orderId().toString()).state()).isEqualTo(OrderState.CONFIRMED);
        assertThat(table.get(elsewhere.orderId().toString()).state()).isEqualTo(OrderState.CONFIRMED);
        assertThat(owned).extracting(OrderStatus::orderId, OrderStatus::state).containsExactly(
                tuple(inPlace.orderId(), OrderState.CONFIRMED),
                tuple(elsewhere.orderId(), OrderState.CONFIRMED),
                tuple(inPlace.orderId(), OrderState.CONFIRMED),
                tuple(elsewhere.orderId(), OrderState.CONFIRMED));
    }

    @Test
    void aDecisionIsInPlaceOnlyUnderItsOwnOrderIdInTheDefaultPartitionersPartition() {
        OrderRequested order = request("buyer", "GA");
        OrderDecision decision = confirmed(order);
        String key = order.orderId().toString();
        int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 12;

        assertThat(OrderStatusTopology.inPlace(key, decision, partition, 12)).isTrue();
        assertThat(OrderStatusTopology.inPlace(key, decision, (partition + 1) % 12, 12)).isFalse();
        assertThat(OrderStatusTopology.inPlace(null, decision, partition, 12)).isFalse();
        assertThat(OrderStatusTopology.inPlace(order.itemKey().toString(), decision, partition, 12)).isFalse();
        assertThat(OrderStatusTopology.inPlace(key, decision, 0, 1)).isTrue();
    }

    @Test
    void unreadableRecordsAreSkippedAndTheTableKeepsFlowing() {
        TestInputTopic<String, byte[]> rawRequests =
                driver.createInputTopic(TOPICS.requested(), new StringSerializer(), new ByteArraySerializer());
        TestInputTopic<String, byte[]> rawDecisions =
                driver.createInputTopic(TOPICS.results(), new StringSerializer(), new ByteArraySerializer());
        OrderRequested order = request("buyer", "GA");

        rawRequests.pipeInput("concert/GA", "not json".getBytes(StandardCharsets.UTF_8));
        // Valid JSON of the wrong kind of event is just as unreadable here.
        rawRequests.pipeInput("concert/GA", EventSerde.events().serialize(TOPICS.requested(), confirmed(order)));
        rawDecisions.pipeInput(order.orderId().toString(), "{\"type\":\"OrderConfirmed\"}".getBytes(StandardCharsets.UTF_8));
        requests.pipeInput(order.itemKey().toString(), order);

        OrderStatus queued = table.get(order.orderId().toString());
        assertThat(queued.state()).isEqualTo(OrderState.QUEUED);
        // The skipped records still took their offsets: they are in the line ahead of it.
        assertThat(queued.requestOffset()).isEqualTo(2L);

        decisions.pipeInput(order.orderId().toString(), confirmed(order));
        assertThat(table.get(order.orderId().toString()).state()).isEqualTo(OrderState.CONFIRMED);
    }

    @Test
    void everyResultOfAHeldOrderMovesItsRowAndAReplayedConfirmationAfterTheEndChangesNothing() {
        TestInputTopic<String, byte[]> results =
                driver.createInputTopic(TOPICS.results(), new StringSerializer(), new ByteArraySerializer());
        OrderRequested order = request("holder", "VIP", "A-1");
        Instant expires = DECIDED_AT.plusSeconds(600);
        Instant ended = expires.plusSeconds(2);
        String key = order.orderId().toString();
        OrderConfirmed held = OrderConfirmed.of(order, order.seatIds(), DECIDED_AT, expires);
        requests.pipeInput(order.itemKey().toString(), order);

        results.pipeInput(key, EventJson.writeResult(held));
        assertThat(table.get(key).isHeld()).isTrue();
        assertThat(table.get(key).holdExpiresAt()).isEqualTo(expires);
        results.pipeInput(key, EventJson.writeResult(new PaymentRefused(OrderEvent.SCHEMA_VERSION, order.orderId(),
                "late-1", PaymentOutcome.TOO_LATE, expires.plusMillis(10), ended)));
        results.pipeInput(key, EventJson.writeResult(new OrderExpired(OrderEvent.SCHEMA_VERSION, order.orderId(),
                order.customerId(), order.saleId(), order.sku(), 1, order.seatIds(), expires, ended)));
        int changes = heard.size();
        results.pipeInput(key, EventJson.writeResult(held));

        OrderStatus row = table.get(key);
        assertThat(row.state()).isEqualTo(OrderState.EXPIRED);
        assertThat(row.holdExpiresAt()).isEqualTo(expires);
        assertThat(row.updatedAt()).isEqualTo(ended);
        assertThat(row.payment()).isEqualTo(new OrderStatus.Payment("late-1", PaymentOutcome.TOO_LATE, ended));
        // What every instance hears after the replay is what it heard before it.
        assertThat(heard.getLast()).isEqualTo(heard.get(changes - 1));
        assertThat(heard).extracting(OrderStatus::state).containsSubsequence(
                OrderState.QUEUED, OrderState.CONFIRMED, OrderState.EXPIRED);
    }

    @Test
    void aCancelBeforeTheOrderAndAPaidOrderAreRead() {
        TestInputTopic<String, byte[]> results =
                driver.createInputTopic(TOPICS.results(), new StringSerializer(), new ByteArraySerializer());
        OrderId early = OrderId.derive(CustomerId.of("quick"), SaleId.of("concert"), UUID.randomUUID().toString());
        results.pipeInput(early.toString(), EventJson.writeResult(new OrderCancelled(OrderEvent.SCHEMA_VERSION, early,
                null, null, null, null, null, false, null, DECIDED_AT)));
        OrderRequested order = request("payer", "GA");
        Instant expires = DECIDED_AT.plusSeconds(600);
        results.pipeInput(order.orderId().toString(), EventJson.writeResult(new OrderPaid(OrderEvent.SCHEMA_VERSION,
                order.orderId(), order.customerId(), order.saleId(), order.sku(), 2, List.of(), "pay-1",
                DECIDED_AT.plusSeconds(30), expires, DECIDED_AT.plusSeconds(31))));

        OrderStatus cancelled = table.get(early.toString());
        assertThat(cancelled.state()).isEqualTo(OrderState.CANCELLED);
        assertThat(cancelled.saleId()).isNull();
        assertThat(cancelled.quantity()).isNull();
        OrderStatus paid = table.get(order.orderId().toString());
        assertThat(paid.state()).isEqualTo(OrderState.PAID);
        assertThat(paid.payment().ref()).isEqualTo("pay-1");
        assertThat(paid.payment().outcome()).isEqualTo(PaymentOutcome.PAID);
    }

    @Test
    void aResultOfATypeThisNotifierDoesNotKnowIsSkippedAsUnreadable() {
        TestInputTopic<String, byte[]> results =
                driver.createInputTopic(TOPICS.results(), new StringSerializer(), new ByteArraySerializer());
        OrderRequested order = request("future", "GA");
        requests.pipeInput(order.itemKey().toString(), order);
        double skippedBefore = skipped();

        results.pipeInput(order.orderId().toString(), ("{\"type\":\"OrderRefunded\",\"schemaVersion\":1,\"orderId\":\""
                + order.orderId() + "\"}").getBytes(StandardCharsets.UTF_8));
        results.pipeInput(order.orderId().toString(), EventJson.writeResult(confirmed(order)));

        assertThat(skipped()).isEqualTo(skippedBefore + 1);
        assertThat(table.get(order.orderId().toString()).state()).isEqualTo(OrderState.CONFIRMED);
    }

    /** Kafka Streams' own count of records the deserialization handler skipped. */
    private double skipped() {
        return driver.metrics().entrySet().stream()
                .filter(metric -> metric.getKey().name().equals("dropped-records-total"))
                .mapToDouble(metric -> ((Number) metric.getValue().metricValue()).doubleValue())
                .sum();
    }

    private static OrderRequested request(String customer, String sku, String... seats) {
        List<SeatId> seatIds = Arrays.stream(seats).map(SeatId::of).toList();
        return OrderRequested.of(
                OrderId.derive(CustomerId.of(customer), SaleId.of("concert"), UUID.randomUUID().toString()),
                CustomerId.of(customer), SaleId.of("concert"), Sku.of(sku),
                seatIds.isEmpty() ? 2 : seatIds.size(), seatIds, REQUESTED_AT);
    }

    /** An order whose decision, keyed by its id, is in place in partition 0 (or is not). */
    private static OrderRequested requestWhere(boolean inPlace) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            OrderRequested order = request("buyer", "GA");
            if (OrderStatusTopology.inPlace(order.orderId().toString(), confirmed(order), 0, TOPICS.partitions()) == inPlace) {
                return order;
            }
        }
        throw new AssertionError("no order id is " + (inPlace ? "" : "not ") + "in place in partition 0");
    }

    private static OrderConfirmed confirmed(OrderRequested request) {
        return OrderConfirmed.of(request, request.seatIds(), DECIDED_AT);
    }

    private static OrderRejected rejected(OrderRequested request) {
        return OrderRejected.of(request, RejectionReason.LIMIT_EXCEEDED, DECIDED_AT);
    }
}
