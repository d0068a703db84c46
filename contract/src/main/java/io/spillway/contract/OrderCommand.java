package io.spillway.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * What the door passes on about an order after it was decided, on {@code orders.commands} keyed by
 * order id: a payment or a cancellation. {@code acceptedAt} is the door's clock when it handed the
 * command to the producer, all checks passed; a payment accepted by {@code holdExpiresAt} wins.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = PaymentReceived.class, name = "PaymentReceived"),
    @JsonSubTypes.Type(value = CancelRequested.class, name = "CancelRequested")
})
public sealed interface OrderCommand permits PaymentReceived, CancelRequested {

    int schemaVersion();

    OrderId orderId();

    Instant acceptedAt();
}
