package io.spillway.ingest.orders;

import io.spillway.contract.OrderRequested;

/** Where accepted orders are kept: {@code orders.requested}. */
interface OrderLog {

    /**
     * Returns only once the broker acknowledged the order with {@code acks=all}; otherwise throws a
     * {@link io.spillway.ingest.problems.Refusal} of kind {@code NOT_ACCEPTED}. Never blocks longer
     * than the configured send timeout.
     */
    void append(OrderRequested order);
}
