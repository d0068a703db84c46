package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An order is decided once: delivered again, it is answered with the decision stored the first
 * time.
 */
class ReplaysIT extends RunningProcessor {

    @Test
    void anOrderDeliveredFiveTimesIsDecidedOnceAndAnsweredTheSameEachTime() throws Exception {
        ItemKey ga = stockSale("dupes", 4, Map.of("GA", 10));
        OrderRequested order = order(ga, "repeat", 3);

        send(List.of(order, order));
        await().atMost(PATIENCE).until(() -> results.read(order.orderId()) >= 2);
        send(List.of(order, order, order));
        await().atMost(PATIENCE).until(() -> results.read(order.orderId()) >= 5);

        List<OrderDecision> published = results.of(order.orderId());
        assertThat(published).hasSize(5).allMatch(decision -> decision.equals(published.get(0)));
        assertThat(published.get(0)).isInstanceOf(OrderConfirmed.class);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'dupes'")).isEqualTo(1);
        assertThat(count("SELECT available FROM items WHERE sale_id = 'dupes'")).isEqualTo(7);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'dupes'")).isEqualTo(3);
    }

    @Test
    void aDecisionCommittedBeforeACrashIsPublishedAsStoredNotDecidedAgain() throws Exception {
        // As left by a processor killed after its database commit and before its publish: the stored
        // decision says SOLD_OUT although stock is plentiful now.
        ItemKey ga = stockSale("crash", 4, Map.of("GA", 10));
        OrderRequested order = order(ga, "unlucky", 1);
        Instant requestedAt = order.requestedAt().truncatedTo(ChronoUnit.MICROS);
        Instant decidedBefore = Instant.parse("2026-01-02T03:04:05.123456Z");
        jdbc.update(
                "INSERT INTO orders (order_id, customer_id, sale_id, sku, quantity, status, reason, requested_at, decided_at)"
                        + " VALUES (?, ?, 'crash', 'GA', 1, 'REJECTED', 'SOLD_OUT', ?, ?)",
                order.orderId().value(),
                order.customerId().value(),
                Timestamp.from(requestedAt),
                Timestamp.from(decidedBefore));

        send(List.of(order));
        OrderDecision decision = awaitDecisions(List.of(order)).get(order.orderId());

        // The database keeps microseconds, so the stored requestedAt is the request's, truncated.
        OrderRequested asStored = OrderRequested.of(
                order.orderId(),
                order.customerId(),
                order.saleId(),
                order.sku(),
                order.quantity(),
                order.seatIds(),
                requestedAt);
        assertThat(decision).isEqualTo(OrderRejected.of(asStored, RejectionReason.SOLD_OUT, decidedBefore));
        assertThat(count("SELECT available FROM items WHERE sale_id = 'crash'")).isEqualTo(10);
        assertThat(count("SELECT count(*) FROM customer_holdings WHERE sale_id = 'crash'")).isZero();
    }
}
