package io.spillway.notifier.status;

import static io.spillway.notifier.status.OrderStatusTest.ORDER;
import static io.spillway.notifier.status.OrderStatusTest.REQUESTED;
import static io.spillway.notifier.status.OrderStatusTest.SALE;
import static io.spillway.notifier.status.OrderStatusTest.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderQueued;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link OrderQueued} in the order's state machine: QUEUED with where it waits at the opening,
 * never above a decision, the same whatever order the request, the park and the draw arrive in.
 */
class OpeningStatusTest {

    private static final Instant OPENS = REQUESTED.plusSeconds(600);
    private static final OrderStatus PARKED = OrderStatus.of(
            new OrderQueued(OrderEvent.SCHEMA_VERSION, ORDER, SALE, VIP, true, OPENS, null, REQUESTED.plusMillis(5)));
    private static final OrderStatus DRAWN = OrderStatus.of(
            new OrderQueued(OrderEvent.SCHEMA_VERSION, ORDER, SALE, VIP, true, OPENS, 41, OPENS.plusSeconds(3)));
    /** The same order parked again after its draw (a redelivery): told it waits after the pre-queue. */
    private static final OrderStatus PARKED_AGAIN = OrderStatus.of(
            new OrderQueued(OrderEvent.SCHEMA_VERSION, ORDER, SALE, VIP, false, OPENS, null, OPENS.plusSeconds(4)));

    @Test
    void aDecisionAlwaysOutranksWhereTheOrderWaitedAndALateParkChangesNoDecision() {
        Map<String, OrderStatus> updates = OrderStatusTest.updates();
        updates.forEach((name, update) -> {
            if (update.rank() == 0) {
                return;
            }
            for (OrderStatus waiting : List.of(PARKED, DRAWN, PARKED_AGAIN)) {
                OrderStatus decided = OrderStatus.merge(null, update);
                assertThat(OrderStatus.merge(decided, waiting)).as(name + " then parked").isSameAs(decided);
                assertThat(OrderStatus.merge(waiting, update).state()).as("parked then " + name).isEqualTo(update.state());
            }
        });
    }

    @Test
    void theRequestTheParkAndTheDrawEndTheSameInEveryOrder() {
        OrderStatus request = OrderStatusTest.updates().get("request");
        List<List<OrderStatus>> orders = List.of(
                List.of(request, PARKED, DRAWN, PARKED_AGAIN), List.of(DRAWN, PARKED, request, PARKED_AGAIN),
                List.of(PARKED_AGAIN, DRAWN, request, PARKED), List.of(PARKED, request, PARKED_AGAIN, DRAWN));
        for (List<OrderStatus> order : orders) {
            OrderStatus merged = null;
            for (OrderStatus update : order) {
                merged = OrderStatus.merge(merged, update);
            }
            assertThat(merged.state()).isEqualTo(OrderState.QUEUED);
            assertThat(merged.opening()).isEqualTo(new OrderStatus.Opening(true, OPENS, 41));
            assertThat(merged.requestPartition()).isEqualTo(3);
            assertThat(merged.requestOffset()).isEqualTo(42L);
            assertThat(merged.saleId()).isEqualTo(SALE);
            assertThat(merged.quantity()).isEqualTo(1);
        }
    }

    @Test
    void whereTheOrderWaitsSurvivesTheStoresRoundTrip() {
        OrderStatusSerde serde = new OrderStatusSerde();
        OrderStatus request = OrderStatusTest.updates().get("request");
        for (OrderStatus status : List.of(PARKED, DRAWN, PARKED_AGAIN, OrderStatus.merge(request, DRAWN))) {
            assertThat(serde.deserialize("status", serde.serialize("status", status))).isEqualTo(status);
        }
    }
}
