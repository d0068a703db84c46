package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.processor.intake.OrderRequestListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Closing a sale (CONTRACT.md, "Running a sale"): every order still queued when {@code closed_at}
 * is set ends {@code REJECTED SALE_CLOSED}, decided by the processor in its line like any order,
 * and nothing is confirmed after the close; what was decided before stands.
 */
class SaleCloseIT extends RunningProcessor {

    @Test
    void ordersQueuedWhenTheSaleClosesAreAllRejectedSaleClosedAndNothingIsConfirmedAfterTheClose() throws Exception {
        String saleId = "closing-" + UUID.randomUUID().toString().substring(0, 8);
        ItemKey ga = stockSale(saleId, 10, Map.of("GA", 1_000, "VIP", 1_000));
        ItemKey vip = new ItemKey(SaleId.of(saleId), Sku.of("VIP"));
        List<OrderRequested> before = IntStream.range(0, 20)
                .mapToObj(i -> order(i % 2 == 0 ? ga : vip, "early-" + i, 1))
                .toList();
        send(before);
        awaitDecisions(before).values().forEach(decision -> assertThat(decision).isInstanceOf(OrderConfirmed.class));

        // Queued while the line is held back, then the sale closes, then the line goes on.
        MessageListenerContainer line = listeners.getListenerContainer(OrderRequestListener.ID);
        line.pause();
        await().atMost(PATIENCE).until(line::isContainerPaused);
        List<OrderRequested> queued = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            queued.add(order(i % 2 == 0 ? ga : vip, "late-" + i, 1 + i % 3));
        }
        send(queued);
        jdbc.update("UPDATE sales SET closed_at = now() WHERE sale_id = ?", saleId);
        line.resume();

        Map<OrderId, OrderDecision> decided = awaitDecisions(queued);
        for (OrderRequested order : queued) {
            assertThat(reasonOf(decided.get(order.orderId()))).as("order %s", order.orderId())
                    .isEqualTo(RejectionReason.SALE_CLOSED);
        }
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = '" + saleId + "' AND status = 'CONFIRMED'"))
                .isEqualTo(20);
        assertThat(count("SELECT count(*) FROM orders o JOIN sales s USING (sale_id) WHERE o.sale_id = '" + saleId
                + "' AND o.status = 'CONFIRMED' AND o.decided_at >= s.closed_at")).isZero();
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = '" + saleId + "' AND reason = 'SALE_CLOSED'"))
                .isEqualTo(300);
        assertThat(count("SELECT sum(available) FROM items WHERE sale_id = '" + saleId + "'")).isEqualTo(2_000 - 20);
    }
}
