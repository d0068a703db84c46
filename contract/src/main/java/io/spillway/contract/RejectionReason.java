package io.spillway.contract;

/** Why an order was refused; the values are part of the public contract. */
public enum RejectionReason {
    /** Not enough of the item left, or an earlier order of the item was already refused for it. */
    SOLD_OUT,
    /** At least one of the named seats belongs to another order. */
    SEAT_TAKEN,
    /** The order would take the buyer past the sale's per-customer limit. */
    LIMIT_EXCEEDED,
    /** The sale, the item or a named seat does not exist, or the order does not fit the item's kind. */
    INVALID_ITEM,
    /** The sale was not open when the order was placed. */
    SALE_CLOSED
}
