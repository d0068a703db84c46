package io.spillway.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * Everything the processor says about an order on {@code orders.results}, keyed by order id: its
 * decision ({@link OrderDecision}), the end of its hold ({@link HoldEnded}) and a payment it refused
 * ({@link PaymentRefused}), and where an undecided order waits at an opening ({@link OrderQueued}). A reader of an older version skips types it does not know.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = OrderConfirmed.class, name = "OrderConfirmed"),
    @JsonSubTypes.Type(value = OrderRejected.class, name = "OrderRejected"),
    @JsonSubTypes.Type(value = OrderPaid.class, name = "OrderPaid"),
    @JsonSubTypes.Type(value = OrderExpired.class, name = "OrderExpired"),
    @JsonSubTypes.Type(value = OrderCancelled.class, name = "OrderCancelled"),
    @JsonSubTypes.Type(value = PaymentRefused.class, name = "PaymentRefused"),
    @JsonSubTypes.Type(value = OrderQueued.class, name = "OrderQueued")
})
public sealed interface OrderResult permits OrderDecision, HoldEnded, PaymentRefused, OrderQueued {

    int schemaVersion();

    OrderId orderId();

    /** When the processor decided what this result says: the time behind the event's order. */
    Instant happenedAt();
}
