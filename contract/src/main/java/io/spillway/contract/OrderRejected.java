package io.spillway.contract;

import java.time.Instant;
import java.util.List;

/** The order was refused for a business reason; nothing was reserved for it. */
public record OrderRejected(
        int schemaVersion,
        OrderId orderId,
        CustomerId customerId,
        SaleId saleId,
        Sku sku,
        int quantity,
        List<SeatId> seatIds,
        RejectionReason reason,
        Instant requestedAt,
        Instant decidedAt)
        implements OrderDecision {

    public OrderRejected {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        OrderEvent.require(customerId, "customerId");
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(sku, "sku");
        OrderEvent.require(reason, "reason");
        OrderEvent.require(requestedAt, "requestedAt");
        OrderEvent.require(decidedAt, "decidedAt");
        seatIds = seatIds == null ? List.of() : List.copyOf(seatIds);
    }

    public static OrderRejected of(OrderRequested request, RejectionReason reason, Instant decidedAt) {
        return new OrderRejected(
                SCHEMA_VERSION,
                request.orderId(),
                request.customerId(),
                request.saleId(),
                request.sku(),
                request.quantity(),
                request.seatIds(),
                reason,
                request.requestedAt(),
                decidedAt);
    }
}
