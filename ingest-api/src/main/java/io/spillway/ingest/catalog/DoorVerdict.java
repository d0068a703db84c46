package io.spillway.ingest.catalog;

import io.spillway.contract.rules.SaleRule;
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

    /**
     * Why the door refuses: a sale rule it breaks, or the published view saying the item is sold out.
     * The first group is impossible (422), the second not now (409).
     */
    enum Reason {
        UNKNOWN_SALE(SaleRule.SALE_EXISTS, true),
        UNKNOWN_ITEM(SaleRule.ITEM_EXISTS, true),
        SEATS_NOT_IN_ITEM(SaleRule.SEATS_OF_THE_ITEM, true),
        SEATS_ON_STOCK_ITEM(SaleRule.SEATS_ONLY_ON_SEATED_ITEMS, true),
        ABOVE_CUSTOMER_LIMIT(SaleRule.WITHIN_CUSTOMER_LIMIT, true),
        NOT_OPEN(SaleRule.PLACED_WHEN_OPEN, false),
        /** An operator paused the sale; not a sale rule, the published view says so. */
        PAUSED(null, false),
        /** An operator closed the sale: no order of it can succeed any more, but it is not malformed. */
        CLOSED(null, false),
        SOLD_OUT(null, false);

        private final SaleRule rule;
        private final boolean impossible;

        Reason(SaleRule rule, boolean impossible) {
            this.rule = rule;
            this.impossible = impossible;
        }

        /** The reason the door gives for an order that breaks the rule. */
        static Reason breaking(SaleRule rule) {
            for (Reason reason : values()) {
                if (reason.rule != null && reason.rule == rule) {
                    return reason;
                }
            }
            throw new IllegalArgumentException("no door reason for " + rule);
        }

        /** The sale rule broken, or null for {@link #SOLD_OUT}, {@link #PAUSED} and {@link #CLOSED}. */
        public SaleRule rule() {
            return rule;
        }

        public boolean impossible() {
            return impossible;
        }
    }

    DoorVerdict PASS = new Pass();
}
