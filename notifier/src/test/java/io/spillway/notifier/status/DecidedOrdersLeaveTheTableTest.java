package io.spillway.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ForgetDecided}: the table's bound, on the partitioned table and every instance's global copy. */
class DecidedOrdersLeaveTheTableTest {

    private static final Topics TOPICS = Topics.DEFAULTS;
    private static final Duration RETENTION = Duration.ofHours(1);
    private static final Instant NOW = Instant.parse("2026-12-24T09:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, OrderRequested> requests;
    private TestInputTopic<String, OrderDecision> decisions;
    private KeyValueStore<String, OrderStatus> global;
    private KeyValueStore<String, ValueAndTimestamp<OrderStatus>> table;

    @BeforeEach
    void startTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        OrderStatusTopology.build(builder, TOPICS, "notifier-status", Duration.ZERO, RETENTION,
                (status, timestamp) -> {}, status -> {}, DecisionHops.NONE);
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "notifier-forget-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(builder.build(), config, NOW);
        requests = driver.createInputTopic(TOPICS.requested(), new StringSerializer(), EventSerde.requests());
        decisions = driver.createInputTopic(TOPICS.results(), new StringSerializer(), EventSerde.decisions());
        global = driver.getKeyValueStore(OrderStatusTopology.GLOBAL_STORE);
        table = driver.getTimestampedKeyValueStore(OrderStatusTopology.STORE);
    }

    @AfterEach
    void stopTopology() {
        driver.close();
    }

    @Test
    void aDecidedOrderLeavesEveryCopyOfTheTableOnceItsDecisionIsOlderThanTheRetention() {
        OrderRequested confirmedEarly = request("early", NOW.minus(Duration.ofMinutes(10)));
        OrderRequested rejectedLater = request("later", NOW.minus(Duration.ofMinutes(10)));
        OrderRequested stillQueued = request("queued", NOW.minus(Duration.ofMinutes(10)));
        for (OrderRequested order : List.of(confirmedEarly, rejectedLater, stillQueued)) {
            requests.pipeInput(order.itemKey().toString(), order);
        }
        decisions.pipeInput(confirmedEarly.orderId().toString(), OrderConfirmed.of(confirmedEarly, List.of(), NOW));
        decisions.pipeInput(rejectedLater.orderId().toString(),
                OrderRejected.of(rejectedLater, RejectionReason.SOLD_OUT, NOW.plus(Duration.ofMinutes(30))));

        // Just short of the first decision's retention: everything stays.
        driver.advanceWallClockTime(RETENTION.minusMinutes(1));
        assertThat(held(confirmedEarly.orderId())).isTrue();

        // Past it: the early decision leaves both copies; the later one and the queued order stay.
        driver.advanceWallClockTime(Duration.ofMinutes(7));
        assertThat(held(confirmedEarly.orderId())).isFalse();
        assertThat(held(rejectedLater.orderId())).isTrue();
        assertThat(global.get(stillQueued.orderId().toString()).state()).isEqualTo(OrderState.QUEUED);

        // Past the later decision's retention too; a queued order never leaves by this rule.
        driver.advanceWallClockTime(Duration.ofMinutes(40));
        assertThat(held(rejectedLater.orderId())).isFalse();
        assertThat(table.get(stillQueued.orderId().toString())).isNotNull();
        assertThat(global.get(stillQueued.orderId().toString())).isNotNull();
    }

    @Test
    void aDecisionSeenAgainAfterItsOrderLeftLeavesAgainInTheNextRound() {
        OrderRequested order = request("replayed", NOW.minus(Duration.ofMinutes(10)));
        OrderConfirmed decision = OrderConfirmed.of(order, List.of(), NOW);
        decisions.pipeInput(order.orderId().toString(), decision);
        driver.advanceWallClockTime(RETENTION.plusMinutes(7));
        assertThat(held(order.orderId())).isFalse();

        decisions.pipeInput(order.orderId().toString(), decision);
        assertThat(held(order.orderId())).isTrue();
        driver.advanceWallClockTime(Duration.ofMinutes(7));
        assertThat(held(order.orderId())).isFalse();
    }

    @Test
    void aHeldOrderStaysWhileHeldAndLeavesOnceItsHoldEndedLongEnoughAgo() {
        OrderRequested order = request("holder", NOW.minus(Duration.ofMinutes(10)));
        Instant expires = NOW.plus(Duration.ofHours(3));
        decisions.pipeInput(order.orderId().toString(), OrderConfirmed.of(order, List.of(), NOW, expires));

        driver.advanceWallClockTime(RETENTION.plusMinutes(30));
        assertThat(held(order.orderId())).isTrue();

        Instant ended = NOW.plus(RETENTION).plus(Duration.ofMinutes(30));
        TestInputTopic<String, byte[]> results = driver.createInputTopic(TOPICS.results(), new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        results.pipeInput(order.orderId().toString(), io.spillway.contract.EventJson.writeResult(
                new io.spillway.contract.OrderExpired(io.spillway.contract.OrderEvent.SCHEMA_VERSION, order.orderId(),
                        order.customerId(), order.saleId(), order.sku(), 1, List.of(), expires, ended)));
        driver.advanceWallClockTime(Duration.ofMinutes(7));
        assertThat(held(order.orderId())).isTrue();

        driver.advanceWallClockTime(RETENTION);
        assertThat(held(order.orderId())).isFalse();
    }

    private boolean held(OrderId orderId) {
        boolean inGlobal = global.get(orderId.toString()) != null;
        boolean inTable = table.get(orderId.toString()) != null;
        assertThat(inGlobal).as("the global copy agrees with the partitioned table").isEqualTo(inTable);
        return inTable;
    }

    private static OrderRequested request(String customer, Instant requestedAt) {
        CustomerId customerId = CustomerId.of(customer);
        return OrderRequested.of(OrderId.derive(customerId, SaleId.of("concert"), UUID.randomUUID().toString()), customerId,
                SaleId.of("concert"), Sku.of("GA"), 1, List.of(), requestedAt);
    }
}
