package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderPaid;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.PaymentRefused;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Holds, as the processor publishes them on {@code orders.results} (played here): a held order's
 * status and stream, the end of its hold, refused payments, a cancel before the order.
 */
class HoldsIT extends NotifierAgainstTheBroker {

    private static final int V = OrderEvent.SCHEMA_VERSION;

    @Test
    void aHeldOrderIsConfirmedWithItsExpiryItsStreamStaysOpenAndThePaymentEndsIt() throws Exception {
        OrderRequested order = request("holder", "VIP", List.of(SeatId.of("H-1")));
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        SseClient stream = subscribe(order.orderId(), null);
        await().atMost(PATIENCE).until(() -> stream.events().stream().anyMatch(e -> e.data().contains("\"concert\"")));
        double paidSent = sent("paid");
        Instant decidedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant expiresAt = decidedAt.plusSeconds(600);

        publish(OrderConfirmed.of(order, order.seatIds(), decidedAt, expiresAt));

        awaitStatus(order.orderId(), "CONFIRMED", body -> body.get("holdExpiresAt").asText().equals(expiresAt.toString())
                && body.get("queue").isNull() && body.get("payment").isNull());
        await().atMost(PATIENCE).until(() -> stream.events().stream().anyMatch(e -> e.name().equals("confirmed")));
        int commentsAtConfirmation = stream.comments().size();
        // Held is not the end: the stream goes on with heartbeats (2 s in these tests).
        await().atMost(PATIENCE).until(() -> stream.comments().size() >= commentsAtConfirmation + 2);
        assertThat(stream.ended()).isFalse();
        SseClient.Event confirmed = stream.events().getLast();
        assertThat(confirmed.name()).isEqualTo("confirmed");
        assertThat(json.readTree(confirmed.data()).get("holdExpiresAt").asText()).isEqualTo(expiresAt.toString());

        Instant endedAt = decidedAt.plusSeconds(30);
        publish(new OrderPaid(V, order.orderId(), order.customerId(), order.saleId(), order.sku(), 1, order.seatIds(),
                "pay-1", decidedAt.plusSeconds(29), expiresAt, endedAt));

        await().atMost(PATIENCE).until(stream::ended);
        List<SseClient.Event> events = stream.events();
        assertThat(events.getLast().name()).isEqualTo("paid");
        assertThat(events).filteredOn(e -> !e.name().equals("queued")).extracting(SseClient.Event::name)
                .containsExactly("confirmed", "paid");
        assertIdsIncrease(events);
        assertThat(Long.parseLong(events.getLast().id())).isEqualTo(EventIds.ended(endedAt));
        JsonNode paid = json.readTree(events.getLast().data());
        assertThat(paid.get("status").asText()).isEqualTo("PAID");
        assertThat(paid.get("payment").get("ref").asText()).isEqualTo("pay-1");
        assertThat(paid.get("payment").get("outcome").asText()).isEqualTo("PAID");
        assertThat(sent("paid")).isEqualTo(paidSent + 1);
        awaitStatus(order.orderId(), "PAID", body -> body.get("payment").get("ref").asText().equals("pay-1"));

        // A second payment refused after the order was paid: on GET, the status stays PAID.
        publish(new PaymentRefused(V, order.orderId(), "pay-2", PaymentOutcome.NOT_HELD, endedAt.plusSeconds(5),
                endedAt.plusSeconds(6)));
        awaitStatus(order.orderId(), "PAID", body -> body.get("payment").get("ref").asText().equals("pay-2")
                && body.get("payment").get("outcome").asText().equals("NOT_HELD"));

        // A client that had the held confirmation and reconnects gets the end, once.
        SseClient resumed = subscribe(order.orderId(), confirmed.id());
        await().atMost(PATIENCE).until(resumed::ended);
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.events()).extracting(SseClient.Event::name).containsExactly("paid");
    }

    @Test
    void anExpiredHoldStaysExpiredWhenItsConfirmationIsReplayedAndShowsTheLatePayment() throws Exception {
        OrderRequested order = request("too-slow", "GA", List.of());
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        Instant decidedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant expiresAt = decidedAt.plusSeconds(10);
        Instant endedAt = expiresAt.plusSeconds(2);
        OrderConfirmed held = OrderConfirmed.of(order, List.of(), decidedAt, expiresAt);
        publish(held);
        publish(new PaymentRefused(V, order.orderId(), "late-1", PaymentOutcome.TOO_LATE, expiresAt.plusMillis(100),
                endedAt));
        publish(new OrderExpired(V, order.orderId(), order.customerId(), order.saleId(), order.sku(), 1, List.of(),
                expiresAt, endedAt));
        awaitStatus(order.orderId(), "EXPIRED", body -> true);

        // The replay, then one more result of the same order behind it in its partition.
        publish(held);
        publish(new PaymentRefused(V, order.orderId(), "late-2", PaymentOutcome.TOO_LATE, expiresAt.plusSeconds(1),
                endedAt.plusSeconds(1)));

        awaitStatus(order.orderId(), "EXPIRED", body -> body.get("payment").get("ref").asText().equals("late-2"));
        JsonNode body = json.readTree(get(statusUri(order.orderId(), TOKENS.tokenFor(order.orderId())), null).body());
        assertThat(body.get("status").asText()).isEqualTo("EXPIRED");
        assertThat(body.get("payment").get("outcome").asText()).isEqualTo("TOO_LATE");
        assertThat(body.get("holdExpiresAt").asText()).isEqualTo(expiresAt.toString());
        assertThat(body.get("updatedAt").asText()).isEqualTo(endedAt.toString());
        SseClient late = subscribe(order.orderId(), null);
        await().atMost(PATIENCE).until(late::ended);
        assertThat(late.events()).extracting(SseClient.Event::name).containsExactly("expired");
        assertThat(late.events().getFirst().id()).isEqualTo(Long.toString(EventIds.ended(endedAt)));
    }

    @Test
    void aCancelOfAnOrderNeverDecidedEndsItCancelledWithNothingElseKnown() throws Exception {
        OrderId orderId = OrderId.derive(CustomerId.of("changed-mind"), SaleId.of("concert"), UUID.randomUUID().toString());
        SseClient stream = subscribe(orderId, null);
        await().atMost(PATIENCE).until(() -> !stream.events().isEmpty());
        Instant endedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        publish(new OrderCancelled(V, orderId, null, null, null, null, null, false, null, endedAt));

        await().atMost(PATIENCE).until(stream::ended);
        assertThat(stream.events()).extracting(SseClient.Event::name).containsExactly("queued", "cancelled");
        assertIdsIncrease(stream.events());
        awaitStatus(orderId, "CANCELLED", body -> body.get("saleId").isNull() && body.get("quantity").isNull()
                && body.get("queue").isNull() && body.get("holdExpiresAt").isNull());
    }

    private double sent(String type) {
        return meters.get("spillway.notifier.events.sent").tag("type", type).counter().count();
    }
}
