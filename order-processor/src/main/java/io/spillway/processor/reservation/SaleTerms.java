package io.spillway.processor.reservation;

import java.time.Instant;

/**
 * The terms of a sale that every order is checked against.
 *
 * @param holdSeconds how long a confirmation holds what it took for payment; 0: confirmations are final
 * @param prequeueOpensAt when the door starts taking orders into the pre-queue; null: no pre-queue
 * @param closedAt when an operator closed the sale; null: not closed. Read with the terms each poll,
 *     so an order decided in a poll that saw it set is decided after the close
 */
public record SaleTerms(Instant opensAt, int perCustomerLimit, int holdSeconds, Instant prequeueOpensAt, Instant closedAt) {

    public SaleTerms(Instant opensAt, int perCustomerLimit, int holdSeconds, Instant prequeueOpensAt) {
        this(opensAt, perCustomerLimit, holdSeconds, prequeueOpensAt, null);
    }

    public SaleTerms(Instant opensAt, int perCustomerLimit, int holdSeconds) {
        this(opensAt, perCustomerLimit, holdSeconds, null, null);
    }

    /** Whether an operator closed the sale: every order decided from now on is {@code SALE_CLOSED}. */
    public boolean closed() {
        return closedAt != null;
    }

    /** When orders are taken from: the pre-queue's opening, or {@code opensAt} without one. */
    public Instant ordersFrom() {
        return prequeueOpensAt == null ? opensAt : prequeueOpensAt;
    }

    /** Whether the sale opens with a pre-queue, decided first (CONTRACT.md, "Opening"). */
    public boolean hasPrequeue() {
        return prequeueOpensAt != null;
    }

    public SaleTerms {
        if (opensAt == null) {
            throw new IllegalArgumentException("opensAt is required");
        }
        if (perCustomerLimit < 1) {
            throw new IllegalArgumentException("perCustomerLimit must be at least 1");
        }
        if (holdSeconds < 0) {
            throw new IllegalArgumentException("holdSeconds must not be negative");
        }
    }

    /** A sale without holds: every confirmation is final. */
    public SaleTerms(Instant opensAt, int perCustomerLimit) {
        this(opensAt, perCustomerLimit, 0, null, null);
    }
}
