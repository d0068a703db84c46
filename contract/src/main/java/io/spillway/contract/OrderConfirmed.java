package io.spillway.contract;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.time.Instant;
import java.util.List;

/**
 * The order has {@code quantity} of the item; for a seated item, exactly {@code seats}. With a
 * {@code holdExpiresAt} (a sale with {@code holdSeconds}) it holds them until then, for payment;
 * without, the confirmation is final.
 */
public record OrderConfirmed(
        int schemaVersion,
        OrderId orderId,
        CustomerId customerId,
        SaleId saleId,
        Sku sku,
        int quantity,
        List<SeatId> seats,
        Instant requestedAt,
        Instant decidedAt,
        // Absent from what writers before holds wrote: read as null, a final confirmation. Every
        // other field stays required (FAIL_ON_MISSING_CREATOR_PROPERTIES).
        @JacksonInject(value = "absent", useInput = OptBoolean.TRUE, optional = OptBoolean.TRUE)
                Instant holdExpiresAt)
        implements OrderDecision {

    /** A final confirmation: the sale has no hold. */
    public OrderConfirmed(
            int schemaVersion, OrderId orderId, CustomerId customerId, SaleId saleId, Sku sku, int quantity,
            List<SeatId> seats, Instant requestedAt, Instant decidedAt) {
        this(schemaVersion, orderId, customerId, saleId, sku, quantity, seats, requestedAt, decidedAt, null);
    }

    public OrderConfirmed {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        OrderEvent.require(customerId, "customerId");
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(sku, "sku");
        OrderEvent.require(requestedAt, "requestedAt");
        OrderEvent.require(decidedAt, "decidedAt");
        seats = seats == null ? List.of() : List.copyOf(seats);
        if (holdExpiresAt != null && !holdExpiresAt.isAfter(decidedAt)) {
            throw new IllegalArgumentException("holdExpiresAt must be after decidedAt");
        }
    }

    /** Whether the order is held for payment rather than confirmed for good. */
    public boolean held() {
        return holdExpiresAt != null;
    }

    public static OrderConfirmed of(OrderRequested request, List<SeatId> seats, Instant decidedAt) {
        return of(request, seats, decidedAt, null);
    }

    /** {@code holdExpiresAt} null: final; otherwise held until then. */
    public static OrderConfirmed of(
            OrderRequested request, List<SeatId> seats, Instant decidedAt, Instant holdExpiresAt) {
        return new OrderConfirmed(
                SCHEMA_VERSION,
                request.orderId(),
                request.customerId(),
                request.saleId(),
                request.sku(),
                request.quantity(),
                seats,
                request.requestedAt(),
                decidedAt,
                holdExpiresAt);
    }
}
