package io.spillway.contract;

import java.time.Instant;

/** A payment that did not pay the order ({@code TOO_LATE} or {@code NOT_HELD}): the shop refunds it. */
public record PaymentRefused(
        int schemaVersion,
        OrderId orderId,
        String paymentRef,
        PaymentOutcome outcome,
        Instant acceptedAt,
        Instant decidedAt)
        implements OrderResult {

    public PaymentRefused {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        PaymentReceived.requireRef(paymentRef);
        OrderEvent.require(outcome, "outcome");
        if (outcome == PaymentOutcome.PAID) {
            throw new IllegalArgumentException("a refusal cannot be PAID");
        }
        OrderEvent.require(acceptedAt, "acceptedAt");
        OrderEvent.require(decidedAt, "decidedAt");
    }

    @Override
    public Instant happenedAt() {
        return decidedAt;
    }
}
