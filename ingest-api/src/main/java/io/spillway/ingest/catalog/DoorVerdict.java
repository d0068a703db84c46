package io.spillway.ingest.catalog;

import java.time.Duration;

/** What the sale view says about an order at the door: let it through, or refuse it and why. */
public sealed interface DoorVerdict {

    /** The order may go to the processor, which decides it. */
    record Pass() implements DoorVerdict {}

    /**
     * The order cannot succeed, or not yet.
     *
     * @param field the request field at fault, for the problem's {@code errors}
     * @param retryAfter for {@link Reason#NOT_OPEN}: the time until the sale opens
     */
    record Refuse(Reason reason, String field, String message, Duration retryAfter) implements DoorVerdict {}

    /** Why the door refuses. The first group is impossible (422), the second not now (409). */
    enum Reason {
        UNKNOWN_SALE(true), UNKNOWN_ITEM(true), SEATS_NOT_IN_ITEM(true), SEATS_ON_STOCK_ITEM(true),
        ABOVE_CUSTOMER_LIMIT(true), NOT_OPEN(false), SOLD_OUT(false);

        private final boolean impossible;

        Reason(boolean impossible) {
            this.impossible = impossible;
        }

        public boolean impossible() {
            return impossible;
        }
    }

    DoorVerdict PASS = new Pass();
}
