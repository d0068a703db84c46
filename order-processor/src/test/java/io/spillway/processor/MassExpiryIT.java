package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.HoldEnded;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * 10,000 holds of one seated item expire within the same second while new orders for the item keep
 * arriving in the same line: each hold ends once, the seats come back exactly, and no seat is held
 * twice. The deadlines are aligned by one {@code UPDATE} after the confirmations (the confirmations
 * themselves take longer than a second to decide): it forges only the timing, so the expiries carry
 * the aligned deadline, not the confirmations' one.
 */
class MassExpiryIT extends RunningProcessor {

    private static final int HOLDS = 10_000;
    private static final int NEWCOMERS = 1_000;

    @Test
    void tenThousandHoldsDueInOneSecondEachEndOnceWhileNewOrdersTakeTheSeatsBack() throws Exception {
        ItemKey item = new ItemKey(SaleId.of("mass"), Sku.of("FLOOR"));
        jdbc.update("INSERT INTO sales (sale_id, name, opens_at, per_customer_limit, hold_seconds)"
                + " VALUES ('mass', 'Mass', now() - interval '1 hour', 1, 600)");
        jdbc.update("INSERT INTO items (sale_id, sku, kind, total, available) VALUES ('mass', 'FLOOR', 'SEATED', ?, ?)",
                HOLDS, HOLDS);
        jdbc.update("INSERT INTO seats (sale_id, sku, seat_id, ordinal)"
                + " SELECT 'mass', 'FLOOR', 'F-' || n, n FROM generate_series(1, ?) AS n", HOLDS);
        List<OrderRequested> holders = IntStream.range(0, HOLDS).mapToObj(i -> order(item, "holder-" + i, 1)).toList();
        send(holders);
        Map<OrderId, OrderDecision> confirmed = awaitDecisions(holders);
        assertThat(confirmed.values()).allSatisfy(decision -> assertThat(decision).isInstanceOf(OrderConfirmed.class));

        Instant deadline = jdbc.queryForObject(
                "SELECT date_trunc('second', now()) + interval '3 seconds'", java.sql.Timestamp.class).toInstant();
        jdbc.update("UPDATE orders SET hold_expires_at = ?::timestamptz + random() * interval '999 milliseconds'"
                + " WHERE sale_id = 'mass' AND status = 'CONFIRMED'", deadline.toString());
        await().atMost(PATIENCE).until(() -> Instant.now().isAfter(deadline));
        List<OrderRequested> newcomers = new ArrayList<>();
        // Half as the expiries start, half once the first have ended: both meet the step in the line.
        List<OrderRequested> first = IntStream.range(0, NEWCOMERS / 2).mapToObj(i -> order(item, "new-" + i, 1)).toList();
        send(first);
        newcomers.addAll(first);
        await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM orders WHERE sale_id = 'mass'"
                + " AND status = 'EXPIRED'") > 0);
        List<OrderRequested> second = IntStream.range(NEWCOMERS / 2, NEWCOMERS)
                .mapToObj(i -> order(item, "new-" + i, 1))
                .toList();
        send(second);
        newcomers.addAll(second);

        await().atMost(PATIENCE.multipliedBy(2)).until(() -> count("SELECT count(*) FROM orders WHERE sale_id = 'mass'"
                + " AND customer_id LIKE 'holder-%' AND status = 'EXPIRED'") == HOLDS);
        Map<OrderId, OrderDecision> decided = awaitDecisions(newcomers);
        await().atMost(PATIENCE).until(() -> {
            results.drain();
            return holders.stream().allMatch(o -> !ends(o).isEmpty());
        });

        for (OrderRequested holder : holders) {
            assertThat(ends(holder)).singleElement().isInstanceOf(OrderExpired.class);
        }
        int takenByNewcomers = (int) decided.values().stream().filter(OrderConfirmed.class::isInstance).count();
        assertThat(jdbc.queryForMap("SELECT available, held, total FROM items WHERE sale_id = 'mass'"))
                .containsEntry("held", takenByNewcomers)
                .containsEntry("available", HOLDS - takenByNewcomers);
        assertThat(count("SELECT count(*) FROM seats WHERE sale_id = 'mass' AND order_id IS NULL"))
                .isEqualTo(HOLDS - takenByNewcomers);
        // No seat twice: every held seat belongs to exactly one live order, which names it.
        assertThat(count("""
                SELECT count(*) FROM (SELECT seat FROM orders, unnest(seats) AS seat
                                       WHERE sale_id = 'mass' AND status IN ('CONFIRMED', 'PAID')
                                       GROUP BY seat HAVING count(*) > 1) twice""")).isZero();
        assertThat(count("""
                SELECT count(*) FROM seats s
                 WHERE s.sale_id = 'mass' AND s.order_id IS NOT NULL AND NOT EXISTS (
                       SELECT 1 FROM orders o WHERE o.order_id = s.order_id AND o.status = 'CONFIRMED'
                          AND s.seat_id = ANY (o.seats))""")).isZero();
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'mass' AND customer_id = 'holder-0'"))
                .isZero();
        // The last step's rows are deleted by the thread's next step, once the broker has them: the outbox drains.
        await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM results_outbox") == 0);

        List<Duration> latencies = newcomers.stream()
                .map(o -> decided.get(o.orderId()))
                .map(d -> Duration.between(d.requestedAt(), d.decidedAt()))
                .sorted()
                .toList();
        List<Duration> lateness = holders.stream()
                .map(o -> (OrderExpired) ends(o).get(0))
                .map(e -> Duration.between(e.holdExpiresAt(), e.endedAt()))
                .sorted()
                .toList();
        System.out.printf("MassExpiryIT: %d holds expired; lateness p50 %d ms, p99 %d ms, max %d ms; %d new orders"
                        + " (%d confirmed) decided in p50 %d ms, p99 %d ms, max %d ms%n",
                HOLDS, lateness.get(HOLDS / 2).toMillis(), lateness.get(HOLDS * 99 / 100).toMillis(),
                lateness.get(HOLDS - 1).toMillis(), NEWCOMERS, takenByNewcomers,
                latencies.get(NEWCOMERS / 2).toMillis(), latencies.get(NEWCOMERS * 99 / 100).toMillis(),
                latencies.get(NEWCOMERS - 1).toMillis());
    }

    private static List<HoldEnded> ends(OrderRequested order) {
        return results.seen(order.orderId()).stream()
                .filter(HoldEnded.class::isInstance)
                .map(HoldEnded.class::cast)
                .toList();
    }
}
