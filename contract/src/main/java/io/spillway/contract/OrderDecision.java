package io.spillway.contract;

import java.time.Instant;

/** The processor's final word on an order, published to {@code orders.results} keyed by order id. */
public sealed interface OrderDecision extends OrderEvent, OrderResult permits OrderConfirmed, OrderRejected {

    int quantity();

    Instant decidedAt();

    @Override
    default Instant happenedAt() {
        return decidedAt();
    }
}
