package io.spillway.contract;

import java.time.Instant;

/** The buyer asked, with the order's access token, to cancel it. One is all there is per order. */
public record CancelRequested(int schemaVersion, OrderId orderId, Instant acceptedAt) implements OrderCommand {

    public CancelRequested {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        OrderEvent.require(acceptedAt, "acceptedAt");
    }

    public static CancelRequested of(OrderId orderId, Instant acceptedAt) {
        return new CancelRequested(OrderEvent.SCHEMA_VERSION, orderId, acceptedAt);
    }
}
