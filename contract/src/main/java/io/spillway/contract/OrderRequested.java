package io.spillway.contract;

import java.time.Instant;
import java.util.List;

/**
 * A buyer asked for {@code quantity} of an item, or for the named {@code seatIds} of a seated item
 * (then {@code quantity} is their count). Published by ingest-api to {@code orders.requested} once
 * the request passed the door; decided by order-processor.
 */
public record OrderRequested(
        int schemaVersion,
        OrderId orderId,
        CustomerId customerId,
        SaleId saleId,
        Sku sku,
        int quantity,
        List<SeatId> seatIds,
        Instant requestedAt)
        implements OrderEvent {

    public OrderRequested {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        OrderEvent.require(customerId, "customerId");
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(sku, "sku");
        OrderEvent.require(requestedAt, "requestedAt");
        seatIds = seatIds == null ? List.of() : List.copyOf(seatIds);
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1");
        }
        if (!seatIds.isEmpty() && seatIds.size() != quantity) {
            throw new IllegalArgumentException("quantity must equal the number of seatIds");
        }
        if (seatIds.stream().distinct().count() != seatIds.size()) {
            throw new IllegalArgumentException("seatIds must not repeat");
        }
    }

    public static OrderRequested of(
            OrderId orderId, CustomerId customerId, SaleId saleId, Sku sku, int quantity, List<SeatId> seatIds,
            Instant requestedAt) {
        return new OrderRequested(SCHEMA_VERSION, orderId, customerId, saleId, sku, quantity, seatIds, requestedAt);
    }

    public boolean namesSeats() {
        return !seatIds.isEmpty();
    }
}
