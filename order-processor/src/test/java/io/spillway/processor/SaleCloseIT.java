package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.processor.intake.OrderRequestListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Closing a sale (CONTRACT.md, "Running a sale"): every order still queued when {@code closed_at}
 * is set ends {@code REJECTED SALE_CLOSED}, decided by the processor in its line like any order,
 * and nothing is confirmed after the close; what was decided before stands, first come, first served
 * (guarantee 4) along each line through the close.
 */
class SaleCloseIT extends RunningProcessor {

    private static final int QUEUED = 5_000;

    @Test
    void fiveThousandOrdersQueuedWhenTheSaleClosesAreAllRejectedSaleClosedAndNothingIsConfirmedAfterTheClose() throws Exception {
        String saleId = "closing-" + UUID.randomUUID().toString().substring(0, 8);
        // GA sells out before the close (some confirmed, then SOLD_OUT); VIP has plenty left.
        ItemKey ga = stockSale(saleId, 10, Map.of("GA", 300, "VIP", 100_000));
        ItemKey vip = new ItemKey(SaleId.of(saleId), Sku.of("VIP"));
        List<OrderRequested> before = IntStream.range(0, 400)
                .mapToObj(i -> order(i % 4 == 3 ? vip : ga, "early-" + i, 1 + i % 3))
                .toList();
        send(before);
        Map<OrderId, OrderDecision> decided = new HashMap<>(awaitDecisions(before));
        assertThat(decided.values()).anyMatch(OrderConfirmed.class::isInstance)
                .anyMatch(d -> d instanceof OrderRejected rejected && rejected.reason() == RejectionReason.SOLD_OUT);

        // Queued while the line is held back, then the sale closes, then the line goes on.
        MessageListenerContainer line = listeners.getListenerContainer(OrderRequestListener.ID);
        line.pause();
        await().atMost(PATIENCE).until(line::isContainerPaused);
        List<OrderRequested> queued = new ArrayList<>();
        for (int i = 0; i < QUEUED; i++) {
            queued.add(order(i % 2 == 0 ? ga : vip, "late-" + i, 1 + i % 3));
        }
        send(queued);
        jdbc.update("UPDATE sales SET closed_at = now() WHERE sale_id = ?", saleId);
        line.resume();

        decided.putAll(awaitDecisions(queued));
        for (OrderRequested order : queued) {
            assertThat(reasonOf(decided.get(order.orderId()))).as("order %s", order.orderId())
                    .isEqualTo(RejectionReason.SALE_CLOSED);
        }
        List<OrderRequested> all = new ArrayList<>(before);
        all.addAll(queued);
        for (ItemKey item : List.of(ga, vip)) {
            assertAlongTheLine(all.stream().filter(order -> order.itemKey().equals(item)).toList(), decided);
        }
        int confirmedBefore = (int) before.stream().filter(order -> decided.get(order.orderId()) instanceof OrderConfirmed).count();
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = '" + saleId + "' AND status = 'CONFIRMED'"))
                .isEqualTo(confirmedBefore);
        assertThat(count("SELECT count(*) FROM orders o JOIN sales s USING (sale_id) WHERE o.sale_id = '" + saleId
                + "' AND o.status = 'CONFIRMED' AND o.decided_at >= s.closed_at")).isZero();
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = '" + saleId + "' AND reason = 'SALE_CLOSED'"))
                .isEqualTo(QUEUED);
        assertThat(count("SELECT coalesce(sum(quantity), 0) FROM orders WHERE sale_id = '" + saleId
                + "' AND sku = 'GA' AND status = 'CONFIRMED'")).isLessThanOrEqualTo(300);
        assertThat(count("SELECT sum(total - available) FROM items WHERE sale_id = '" + saleId + "'"))
                .isEqualTo(count("SELECT coalesce(sum(quantity), 0) FROM orders WHERE sale_id = '" + saleId + "' AND status = 'CONFIRMED'"));
    }

    /**
     * One item's orders in their line's order: no {@code SALE_CLOSED} before the close point (the
     * first one), nothing else after it, and before it no order rejected {@code SOLD_OUT} ahead of a
     * confirmed one of the same or a smaller quantity (guarantee 4).
     */
    private static void assertAlongTheLine(List<OrderRequested> line, Map<OrderId, OrderDecision> decided) {
        int closePoint = line.size();
        for (int i = 0; i < line.size(); i++) {
            if (isRejected(decided.get(line.get(i).orderId()), RejectionReason.SALE_CLOSED)) {
                closePoint = i;
                break;
            }
        }
        for (int i = closePoint; i < line.size(); i++) {
            assertThat(isRejected(decided.get(line.get(i).orderId()), RejectionReason.SALE_CLOSED))
                    .as("order %d of the line, after the close point %d", i, closePoint).isTrue();
        }
        int smallestSoldOut = Integer.MAX_VALUE;
        for (int i = 0; i < closePoint; i++) {
            OrderDecision decision = decided.get(line.get(i).orderId());
            int quantity = line.get(i).quantity();
            if (decision instanceof OrderConfirmed) {
                assertThat(quantity).as("a confirmed order behind a SOLD_OUT one of %d", smallestSoldOut)
                        .isLessThan(smallestSoldOut);
            } else if (isRejected(decision, RejectionReason.SOLD_OUT)) {
                smallestSoldOut = Math.min(smallestSoldOut, quantity);
            }
        }
    }

    private static boolean isRejected(OrderDecision decision, RejectionReason reason) {
        return decision instanceof OrderRejected rejected && rejected.reason() == reason;
    }
}
