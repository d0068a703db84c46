package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CancelRequested;
import io.spillway.contract.EventJson;
import io.spillway.contract.HoldOpened;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderCommand;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderResult;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.testing.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Holds end to end in the processor: held confirmations, and payments and cancellations produced
 * straight to {@code orders.commands} as the door writes them; outcomes read from
 * {@code orders.results} and PostgreSQL.
 */
class HoldsIT extends RunningProcessor {

    private static final Map<OrderId, HoldOpened> opened = new ConcurrentHashMap<>();
    private static KafkaConsumer<byte[], byte[]> holds;

    @AfterAll
    static void closeHolds() {
        if (holds != null) {
            holds.close();
            holds = null;
        }
        opened.clear();
    }

    @Test
    void aHeldConfirmationTakesTheUnitsIntoHeldOpensAHoldAndIsReplayedWithTheSameDeadline() throws Exception {
        ItemKey item = heldSale("held-confirm", 4, 5, 600);
        OrderRequested order = order(item, "hana", 2);
        send(List.of(order));

        OrderConfirmed confirmed = (OrderConfirmed) awaitDecisions(List.of(order)).get(order.orderId());

        assertThat(confirmed.holdExpiresAt()).isEqualTo(confirmed.decidedAt().plusSeconds(600));
        assertThat(jdbc.queryForMap("SELECT available, held FROM items WHERE sale_id = 'held-confirm'"))
                .containsEntry("available", 3).containsEntry("held", 2);
        assertThat(jdbc.queryForMap("SELECT line, hold_expires_at FROM orders WHERE order_id = ?", order.orderId().value()))
                .containsEntry("line", partitionOf(item))
                .containsEntry("hold_expires_at", Timestamp.from(confirmed.holdExpiresAt()));
        await().atMost(PATIENCE).until(() -> holdOpened(order.orderId()) != null);
        assertThat(holdOpened(order.orderId()).holdExpiresAt()).isEqualTo(confirmed.holdExpiresAt());

        send(List.of(order));
        await().atMost(PATIENCE).until(() -> results.read(order.orderId()) == 2);
        assertThat(results.of(order.orderId())).containsOnly(confirmed);
        assertThat(count("SELECT held FROM items WHERE sale_id = 'held-confirm'")).isEqualTo(2);
    }

    @Test
    void aCancelThatComesBeforeItsOrderCancelsItAndTheOrderTakesNothing() throws Exception {
        ItemKey item = heldSale("cancel-queued", 4, 5, 600);
        OrderRequested order = order(item, "quinn", 1);
        command(CancelRequested.of(order.orderId(), Instant.now()));
        await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM orders WHERE order_id = '"
                + order.orderId() + "' AND status = 'CANCELLED'") == 1);

        send(List.of(order));

        await().atMost(PATIENCE).until(() -> results.resultsOf(order.orderId()).size() >= 2);
        assertThat(results.resultsOf(order.orderId())).allSatisfy(result -> assertThat(result)
                .isInstanceOfSatisfying(OrderCancelled.class, cancelled -> assertThat(cancelled.held()).isFalse()));
        assertThat(jdbc.queryForMap("SELECT available, held FROM items WHERE sale_id = 'cancel-queued'"))
                .containsEntry("available", 5).containsEntry("held", 0);
        assertThat(jdbc.queryForMap("SELECT status, sale_id, customer_id, quantity FROM orders WHERE order_id = ?",
                        order.orderId().value()))
                .containsEntry("status", "CANCELLED").containsEntry("sale_id", "cancel-queued")
                .containsEntry("customer_id", "quinn").containsEntry("quantity", 1);
        assertThat(count("SELECT count(*) FROM cancels WHERE outcome = 'CANCELLED' AND order_id = '"
                + order.orderId() + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM customer_holdings WHERE sale_id = 'cancel-queued'")).isZero();
    }

    @Test
    void anUnreadableCommandIsDeadLetteredAsReceived() throws Exception {
        byte[] key = "not-an-order".getBytes(StandardCharsets.UTF_8);
        byte[] value = "{\"type\":\"PaymentReceived\"}".getBytes(StandardCharsets.UTF_8);
        raw.send(new ProducerRecord<>(TOPICS.commands(), key, value)).get();

        await().atMost(PATIENCE).until(() -> deadLetters.rawRecords().stream()
                .anyMatch(letter -> TOPICS.commands().equals(header(letter, DeadLetter.TOPIC))
                        && java.util.Arrays.equals(letter.value(), value)));
    }

    ItemKey heldSale(String saleId, int limit, int units, int holdSeconds) {
        ItemKey item = stockSale(saleId, limit, Map.of("GA", units));
        jdbc.update("UPDATE sales SET hold_seconds = ? WHERE sale_id = ?", holdSeconds, saleId);
        return item;
    }

    static void command(OrderCommand command) throws Exception {
        raw.send(new ProducerRecord<>(TOPICS.commands(), command.orderId().toString().getBytes(StandardCharsets.UTF_8),
                EventJson.writeCommand(command))).get();
    }

    static List<OrderResult> resultsOf(OrderId order) {
        return results.resultsOf(order);
    }

    static OrderDecision decisionOf(OrderId order) {
        return results.of(order).get(0);
    }

    private static synchronized HoldOpened holdOpened(OrderId order) {
        if (holds == null) {
            holds = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TopicPartition only = new TopicPartition(TOPICS.holds(), 0);
            holds.assign(List.of(only));
            holds.seekToBeginning(List.of(only));
        }
        for (ConsumerRecord<byte[], byte[]> record : holds.poll(Duration.ofMillis(100))) {
            HoldOpened hold = EventJson.readHold(record.value());
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(hold.orderId().toString());
            opened.put(hold.orderId(), hold);
        }
        return opened.get(order);
    }
}
