package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CancelRequested;
import io.spillway.contract.EventJson;
import io.spillway.contract.HoldEnded;
import io.spillway.contract.HoldOpened;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderCommand;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderPaid;
import io.spillway.contract.OrderResult;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.PaymentReceived;
import io.spillway.contract.PaymentRefused;
import io.spillway.contract.RejectionReason;
import io.spillway.processor.intake.OrderRequestListener;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.testing.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.springframework.kafka.listener.MessageListenerContainer;

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
    void aHoldPaidBeforeItsDeadlineIsPaidOnceAndKeepsItsUnits() throws Exception {
        ItemKey item = heldSale("pay-in-time", 4, 5, 3);
        OrderRequested order = order(item, "pia", 2);
        OrderConfirmed held = confirmedHeld(order);

        command(PaymentReceived.of(order.orderId(), "key-1", "ref-in-time", Instant.now()));

        awaitStatus(order, "PAID");
        await().atMost(PATIENCE).until(() -> ends(order).size() == 1);
        assertThat(ends(order)).singleElement().isInstanceOfSatisfying(OrderPaid.class, paid -> {
            assertThat(paid.paymentRef()).isEqualTo("ref-in-time");
            assertThat(paid.holdExpiresAt()).isEqualTo(held.holdExpiresAt());
        });
        // Long after the deadline, a later order of the item is decided: the paid hold never expired.
        await().atMost(PATIENCE).until(() -> Instant.now().isAfter(held.holdExpiresAt().plusSeconds(2)));
        OrderRequested later = order(item, "lou", 1);
        send(List.of(later));
        awaitDecisions(List.of(later));
        assertThat(ends(order)).hasSize(1);
        assertThat(jdbc.queryForMap("SELECT available, held FROM items WHERE sale_id = 'pay-in-time'"))
                .containsEntry("available", 2).containsEntry("held", 1);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'pay-in-time' AND customer_id = 'pia'"))
                .isEqualTo(2);
    }

    @Test
    void aPaymentAcceptedAfterTheDeadlineIsRefusedTooLateAndTheHoldExpiresWithItsUnitsBack() throws Exception {
        ItemKey item = heldSale("pay-late", 4, 5, 2);
        OrderRequested order = order(item, "lena", 2);
        OrderConfirmed held = confirmedHeld(order);
        await().atMost(PATIENCE).until(() -> Instant.now().isAfter(held.holdExpiresAt()));

        command(PaymentReceived.of(order.orderId(), "key-1", "ref-late", Instant.now()));

        awaitStatus(order, "EXPIRED");
        await().atMost(PATIENCE).until(() -> resultsOf(order.orderId()).size() == 3);
        List<OrderResult> published = resultsOf(order.orderId());
        assertThat(published.get(1)).isInstanceOfSatisfying(PaymentRefused.class,
                refused -> assertThat(refused.outcome()).isEqualTo(PaymentOutcome.TOO_LATE));
        assertThat(published.get(2)).isInstanceOfSatisfying(OrderExpired.class,
                expired -> assertThat(expired.holdExpiresAt()).isEqualTo(held.holdExpiresAt()));
        assertThat(jdbc.queryForMap("SELECT available, held, sold_out FROM items WHERE sale_id = 'pay-late'"))
                .containsEntry("available", 5).containsEntry("held", 0).containsEntry("sold_out", false);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'pay-late'")).isZero();
        assertThat(jdbc.queryForObject("SELECT outcome FROM payments WHERE payment_ref = 'ref-late'", String.class))
                .isEqualTo("TOO_LATE");
    }

    @Test
    void aPaymentAcceptedBeforeTheDeadlineButStoredAfterItStillPays() throws Exception {
        ItemKey item = heldSale("pay-stored-late", 4, 5, 2);
        OrderRequested order = order(item, "stan", 1);
        OrderConfirmed held = confirmedHeld(order);
        // The line's owner is stopped: no hold step runs until the payment is stored, well after the deadline.
        MessageListenerContainer line = listeners.getListenerContainer(OrderRequestListener.ID);
        line.stop();
        try {
            await().atMost(PATIENCE).until(() -> Instant.now().isAfter(held.holdExpiresAt().plusSeconds(3)));
            command(PaymentReceived.of(order.orderId(), "key-1", "ref-early", held.holdExpiresAt().minusSeconds(1)));
            await().atMost(PATIENCE).until(() -> count(
                    "SELECT count(*) FROM payments WHERE payment_ref = 'ref-early'") == 1);
        } finally {
            line.start();
        }

        awaitStatus(order, "PAID");
        await().atMost(PATIENCE).until(() -> ends(order).size() == 1);
        assertThat(ends(order)).singleElement().isInstanceOf(OrderPaid.class);
        assertThat(count("SELECT held FROM items WHERE sale_id = 'pay-stored-late'")).isZero();
        assertThat(count("SELECT available FROM items WHERE sale_id = 'pay-stored-late'")).isEqualTo(4);
    }

    @Test
    void theSamePaymentFiveTimesPaysOnceAndASecondReferenceIsNotHeld() throws Exception {
        ItemKey item = heldSale("pay-twice", 4, 5, 600);
        OrderRequested order = order(item, "dora", 1);
        confirmedHeld(order);
        PaymentReceived payment = PaymentReceived.of(order.orderId(), "key-1", "ref-once", Instant.now());
        for (int i = 0; i < 5; i++) {
            command(payment);
        }
        command(PaymentReceived.of(order.orderId(), "key-2", "ref-other", Instant.now()));

        awaitStatus(order, "PAID");
        await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM payments WHERE order_id = '"
                + order.orderId() + "' AND outcome IS NOT NULL") == 2);
        await().atMost(PATIENCE).until(() -> resultsOf(order.orderId()).size() == 3);
        assertThat(count("SELECT count(*) FROM payments WHERE order_id = '" + order.orderId() + "'")).isEqualTo(2);
        assertThat(ends(order)).singleElement().isInstanceOfSatisfying(OrderPaid.class,
                paid -> assertThat(paid.paymentRef()).isEqualTo("ref-once"));
        assertThat(resultsOf(order.orderId())).filteredOn(PaymentRefused.class::isInstance).singleElement()
                .isInstanceOfSatisfying(PaymentRefused.class, refused -> {
                    assertThat(refused.paymentRef()).isEqualTo("ref-other");
                    assertThat(refused.outcome()).isEqualTo(PaymentOutcome.NOT_HELD);
                });
    }

    @Test
    void aHeldOrderCancelledGivesItsUnitsBackAndAPaidOneStaysPaid() throws Exception {
        ItemKey item = heldSale("cancel-held", 4, 5, 600);
        OrderRequested cancelled = order(item, "cass", 2);
        OrderRequested paid = order(item, "paul", 1);
        confirmedHeld(cancelled);
        confirmedHeld(paid);
        command(PaymentReceived.of(paid.orderId(), "key-1", "ref-paul", Instant.now()));
        awaitStatus(paid, "PAID");

        command(CancelRequested.of(cancelled.orderId(), Instant.now()));
        command(CancelRequested.of(paid.orderId(), Instant.now()));

        awaitStatus(cancelled, "CANCELLED");
        await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM cancels WHERE outcome = 'IGNORED' AND order_id = '"
                + paid.orderId() + "'") == 1);
        await().atMost(PATIENCE).until(() -> ends(cancelled).size() == 1 && ends(paid).size() == 1);
        assertThat(ends(cancelled)).singleElement().isInstanceOfSatisfying(OrderCancelled.class,
                end -> assertThat(end.held()).isTrue());
        assertThat(ends(paid)).singleElement().isInstanceOf(OrderPaid.class);
        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE order_id = ?", String.class,
                paid.orderId().value())).isEqualTo("PAID");
        assertThat(jdbc.queryForMap("SELECT available, held FROM items WHERE sale_id = 'cancel-held'"))
                .containsEntry("available", 4).containsEntry("held", 0);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'cancel-held' AND customer_id = 'cass'"))
                .isZero();
    }

    @Test
    void expiredUnitsAreSoldToALaterOrderAndABuyerAtTheLimitWhoseHoldExpiredBuysAgain() throws Exception {
        ItemKey item = heldSale("resold", 1, 1, 2);
        OrderRequested first = order(item, "fay", 1);
        OrderConfirmed held = confirmedHeld(first);
        OrderRequested soldOut = order(item, "sol", 1);
        OrderRequested overLimit = order(item, "fay", 1);
        send(List.of(soldOut, overLimit));
        Map<OrderId, OrderDecision> refused = awaitDecisions(List.of(soldOut, overLimit));
        assertThat(reasonOf(refused.get(soldOut.orderId()))).isEqualTo(RejectionReason.SOLD_OUT);
        assertThat(reasonOf(refused.get(overLimit.orderId()))).isEqualTo(RejectionReason.LIMIT_EXCEEDED);

        awaitStatus(first, "EXPIRED");
        await().atMost(PATIENCE).until(() -> ends(first).size() == 1);
        assertThat(ends(first)).singleElement().isInstanceOfSatisfying(OrderExpired.class,
                expired -> assertThat(expired.holdExpiresAt()).isEqualTo(held.holdExpiresAt()));
        OrderRequested again = order(item, "fay", 1);
        send(List.of(again));

        assertThat(awaitDecisions(List.of(again)).get(again.orderId())).isInstanceOf(OrderConfirmed.class);
        assertThat(jdbc.queryForMap("SELECT available, held FROM items WHERE sale_id = 'resold'"))
                .containsEntry("available", 0).containsEntry("held", 1);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'resold' AND customer_id = 'fay'"))
                .isEqualTo(1);
    }

    @Test
    void theHoldsMetersAreScraped() throws Exception {
        ItemKey item = heldSale("metered", 4, 5, 600);
        OrderRequested order = order(item, "mae", 1);
        confirmedHeld(order);
        command(PaymentReceived.of(order.orderId(), "key-1", "ref-metered", Instant.now()));
        awaitStatus(order, "PAID");
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .build();

        // The gauges are read every few seconds: wait for a reading with the watermark in it.
        await().atMost(PATIENCE).until(() -> http.send(scrape, HttpResponse.BodyHandlers.ofString()).body()
                .contains("spillway_processor_holds_ended_total{application=\"order-processor\",outcome=\"paid\"}"));
        assertThat(http.send(scrape, HttpResponse.BodyHandlers.ofString()).body())
                .contains("spillway_processor_holds_opened_total")
                .contains("spillway_processor_holds_open")
                .contains("spillway_processor_hold_time_to_pay_seconds_bucket")
                .contains("spillway_processor_expiry_lateness_seconds_bucket")
                .contains("spillway_processor_expiry_overdue_seconds")
                .contains("spillway_processor_payment_grace_breaches_total")
                .contains("spillway_processor_command_append_delay_seconds_bucket")
                .contains("spillway_processor_command_watermark_age_seconds")
                .contains("spillway_processor_outbox_rows")
                .contains("spillway_processor_poll_stage_seconds_count{application=\"order-processor\",stage=\"holds\"}");
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

    private OrderConfirmed confirmedHeld(OrderRequested order) throws Exception {
        send(List.of(order));
        OrderDecision decision = awaitDecisions(List.of(order)).get(order.orderId());
        assertThat(decision).isInstanceOfSatisfying(OrderConfirmed.class, c -> assertThat(c.held()).isTrue());
        return (OrderConfirmed) decision;
    }

    private void awaitStatus(OrderRequested order, String status) {
        await().atMost(PATIENCE).until(() -> status.equals(jdbc.queryForObject(
                "SELECT status FROM orders WHERE order_id = ?", String.class, order.orderId().value())));
    }

    /** The ends of the order's hold published so far. */
    static List<HoldEnded> ends(OrderRequested order) {
        return resultsOf(order.orderId()).stream()
                .filter(HoldEnded.class::isInstance)
                .map(HoldEnded.class::cast)
                .toList();
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
