package io.spillway.processor.reservation;

import java.time.Instant;

/** The terms of a sale that every order is checked against. */
public record SaleTerms(Instant opensAt, int perCustomerLimit) {

    public SaleTerms {
        if (opensAt == null) {
            throw new IllegalArgumentException("opensAt is required");
        }
        if (perCustomerLimit < 1) {
            throw new IllegalArgumentException("perCustomerLimit must be at least 1");
        }
    }
}
