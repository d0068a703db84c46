package io.spillway.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A confirmation opened a hold: on the compacted {@code orders.holds} topic, keyed by order id, so
 * that the door can answer a payment for an order that was never held with {@code 404} and publish
 * nothing.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes(@JsonSubTypes.Type(value = HoldOpened.class, name = "HoldOpened"))
public record HoldOpened(int schemaVersion, OrderId orderId, SaleId saleId, Sku sku, Instant holdExpiresAt) {

    public HoldOpened {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(sku, "sku");
        OrderEvent.require(holdExpiresAt, "holdExpiresAt");
    }

    public static HoldOpened of(OrderConfirmed confirmation) {
        return new HoldOpened(OrderEvent.SCHEMA_VERSION, confirmation.orderId(), confirmation.saleId(),
                confirmation.sku(), OrderEvent.require(confirmation.holdExpiresAt(), "holdExpiresAt"));
    }
}
