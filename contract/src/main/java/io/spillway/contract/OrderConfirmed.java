package io.spillway.contract;

import java.time.Instant;
import java.util.List;

/** The order holds {@code quantity} of the item; for a seated item, exactly {@code seats}. */
public record OrderConfirmed(
        int schemaVersion,
        OrderId orderId,
        CustomerId customerId,
        SaleId saleId,
        Sku sku,
        int quantity,
        List<SeatId> seats,
        Instant requestedAt,
        Instant decidedAt)
        implements OrderDecision {

    public OrderConfirmed {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        OrderEvent.require(customerId, "customerId");
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(sku, "sku");
        OrderEvent.require(requestedAt, "requestedAt");
        OrderEvent.require(decidedAt, "decidedAt");
        seats = seats == null ? List.of() : List.copyOf(seats);
    }

    public static OrderConfirmed of(OrderRequested request, List<SeatId> seats, Instant decidedAt) {
        return new OrderConfirmed(
                SCHEMA_VERSION,
                request.orderId(),
                request.customerId(),
                request.saleId(),
                request.sku(),
                request.quantity(),
                seats,
                request.requestedAt(),
                decidedAt);
    }
}
