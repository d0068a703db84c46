package io.spillway.contract;

import java.time.Instant;
import java.util.List;

/** The held order was not paid by {@code holdExpiresAt}: what it held went back to the sale. */
public record OrderExpired(
        int schemaVersion,
        OrderId orderId,
        CustomerId customerId,
        SaleId saleId,
        Sku sku,
        int quantity,
        List<SeatId> seats,
        Instant holdExpiresAt,
        Instant endedAt)
        implements HoldEnded {

    public OrderExpired {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        OrderEvent.require(customerId, "customerId");
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(sku, "sku");
        OrderEvent.require(holdExpiresAt, "holdExpiresAt");
        OrderEvent.require(endedAt, "endedAt");
        seats = seats == null ? List.of() : List.copyOf(seats);
    }
}
