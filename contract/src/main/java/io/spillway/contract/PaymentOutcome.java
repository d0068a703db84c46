package io.spillway.contract;

/** What the processor made of a payment; the values are part of the public contract. */
public enum PaymentOutcome {
    /** The payment settled the hold. */
    PAID,
    /** The door accepted the payment after {@code holdExpiresAt}: the shop must refund it. */
    TOO_LATE,
    /** The order was not held when the payment came (paid by another, cancelled, never held): refund it. */
    NOT_HELD
}
