package io.spillway.contract;

import java.time.Instant;
import java.util.List;

/**
 * The buyer cancelled: a held order gave back what it held ({@code held} true); a queued one never
 * took anything ({@code held} false). The order's fields are absent when the cancel arrived before
 * the order itself did.
 */
public record OrderCancelled(
        int schemaVersion,
        OrderId orderId,
        CustomerId customerId,
        SaleId saleId,
        Sku sku,
        Integer quantity,
        List<SeatId> seats,
        boolean held,
        Instant holdExpiresAt,
        Instant endedAt)
        implements HoldEnded {

    public OrderCancelled {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        OrderEvent.require(endedAt, "endedAt");
        if (held) {
            OrderEvent.require(customerId, "customerId");
            OrderEvent.require(saleId, "saleId");
            OrderEvent.require(sku, "sku");
            OrderEvent.require(quantity, "quantity");
            OrderEvent.require(holdExpiresAt, "holdExpiresAt");
        }
        seats = seats == null ? List.of() : List.copyOf(seats);
    }
}
