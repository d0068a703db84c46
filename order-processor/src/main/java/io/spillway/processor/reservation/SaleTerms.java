package io.spillway.processor.reservation;

import java.time.Instant;

/**
 * The terms of a sale that every order is checked against.
 *
 * @param holdSeconds how long a confirmation holds what it took for payment; 0: confirmations are final
 */
public record SaleTerms(Instant opensAt, int perCustomerLimit, int holdSeconds) {

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
        this(opensAt, perCustomerLimit, 0);
    }
}
