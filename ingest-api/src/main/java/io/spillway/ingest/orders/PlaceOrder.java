package io.spillway.ingest.orders;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.time.Instant;
import java.util.List;

/**
 * A request that passed the door's rules: who, under which key, what, and the order that names.
 * The order id is derived once, by the six-argument constructor (a SHA-256), not by every step
 * that needs it; build it with that one.
 */
record PlaceOrder(
        CustomerId customerId, String idempotencyKey, SaleId saleId, Sku sku, int quantity, List<SeatId> seatIds,
        OrderId orderId) {

    PlaceOrder {
        seatIds = List.copyOf(seatIds);
    }

    /**
     * The same (customer, sale, key) always names the same order, which is what makes a retry safe;
     * the same key in another sale names another order.
     */
    PlaceOrder(CustomerId customerId, String idempotencyKey, SaleId saleId, Sku sku, int quantity, List<SeatId> seatIds) {
        this(customerId, idempotencyKey, saleId, sku, quantity, seatIds, OrderId.derive(customerId, saleId, idempotencyKey));
    }

    OrderRequested toEvent(Instant requestedAt) {
        return OrderRequested.of(orderId, customerId, saleId, sku, quantity, seatIds, requestedAt);
    }
}
