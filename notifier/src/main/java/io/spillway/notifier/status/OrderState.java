package io.spillway.notifier.status;

/**
 * The status an order shows. Whether it is final is not the state's alone: a {@link #CONFIRMED}
 * order of a sale with a hold is held until it ends {@link #PAID}, {@link #EXPIRED} or
 * {@link #CANCELLED} ({@link OrderStatus#rank()}).
 */
public enum OrderState {
    QUEUED,
    CONFIRMED,
    REJECTED,
    PAID,
    EXPIRED,
    CANCELLED
}
