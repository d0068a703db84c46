package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SeatId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Stock goes first come, first served, and a seat goes to one order at most. */
class StockAndSeatsIT extends RunningProcessor {

    @Test
    void fiftyUnitsAndEightyOrdersOfOneMakeFiftyConfirmedAndThirtySoldOutInArrivalOrder() throws Exception {
        ItemKey ga = stockSale("fifty", 10, Map.of("GA", 50));
        List<OrderRequested> orders = IntStream.range(0, 80)
                .mapToObj(i -> order(ga, "buyer-" + i, 1))
                .toList();

        send(orders);
        Map<OrderId, OrderDecision> decided = awaitDecisions(orders);

        for (int i = 0; i < orders.size(); i++) {
            OrderDecision decision = decided.get(orders.get(i).orderId());
            if (i < 50) {
                assertThat(decision).as("order %d", i).isInstanceOf(OrderConfirmed.class);
            } else {
                assertThat(reasonOf(decision)).as("order %d", i).isEqualTo(RejectionReason.SOLD_OUT);
            }
        }
        assertThat(jdbc.queryForMap("SELECT available, sold_out FROM items WHERE sale_id = 'fifty' AND sku = 'GA'"))
                .containsEntry("available", 0)
                .containsEntry("sold_out", true);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'fifty' AND status = 'CONFIRMED'"))
                .isEqualTo(50);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'fifty' AND reason = 'SOLD_OUT'"))
                .isEqualTo(30);
    }

    @Test
    void overlappingNamedSeatsNeverEndInTwoConfirmedOrders() throws Exception {
        ItemKey vip = seatedSale("seats", 4, "VIP", 10);
        List<OrderRequested> orders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            orders.add(seatsOrder(vip, "fan-" + i, "S-" + (i % 10 + 1), "S-" + ((i + 3) % 10 + 1)));
        }
        for (int i = 0; i < 4; i++) {
            orders.add(order(vip, "any-" + i, 2));
        }

        send(orders);
        Map<OrderId, OrderDecision> decided = awaitDecisions(orders);

        Map<SeatId, OrderId> holders = new HashMap<>();
        for (OrderDecision decision : decided.values()) {
            if (decision instanceof OrderConfirmed confirmed) {
                for (SeatId seat : confirmed.seats()) {
                    assertThat(holders.put(seat, confirmed.orderId())).as("seat %s", seat).isNull();
                }
            } else {
                assertThat(reasonOf(decision)).isIn(RejectionReason.SEAT_TAKEN, RejectionReason.SOLD_OUT);
            }
        }
        assertThat(holders).isNotEmpty();
        Map<SeatId, OrderId> stored = new HashMap<>();
        jdbc.query(
                "SELECT seat_id, order_id FROM seats WHERE sale_id = 'seats' AND order_id IS NOT NULL",
                (java.sql.ResultSet rs) -> {
                    stored.put(SeatId.of(rs.getString(1)), new OrderId(rs.getObject(2, UUID.class)));
                });
        assertThat(stored).isEqualTo(holders);
        assertThat(count("SELECT available FROM items WHERE sale_id = 'seats'")).isEqualTo(10 - holders.size());
    }
}
