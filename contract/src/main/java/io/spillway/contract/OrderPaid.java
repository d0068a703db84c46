package io.spillway.contract;

import java.time.Instant;
import java.util.List;

/** The held order was paid by {@code holdExpiresAt}: it keeps what it holds, for good. */
public record OrderPaid(
        int schemaVersion,
        OrderId orderId,
        CustomerId customerId,
        SaleId saleId,
        Sku sku,
        int quantity,
        List<SeatId> seats,
        String paymentRef,
        Instant acceptedAt,
        Instant holdExpiresAt,
        Instant endedAt)
        implements HoldEnded {

    public OrderPaid {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        OrderEvent.require(customerId, "customerId");
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(sku, "sku");
        PaymentReceived.requireRef(paymentRef);
        OrderEvent.require(acceptedAt, "acceptedAt");
        OrderEvent.require(holdExpiresAt, "holdExpiresAt");
        OrderEvent.require(endedAt, "endedAt");
        seats = seats == null ? List.of() : List.copyOf(seats);
    }
}
