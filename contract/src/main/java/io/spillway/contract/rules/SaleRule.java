package io.spillway.contract.rules;

import io.spillway.contract.ItemKind;
import io.spillway.contract.RejectionReason;
import java.util.Optional;

/**
 * The rules an order must pass before stock or seats are even looked at, each with a name, the
 * rejection it leads to and the request field it blames. The door and the ledger apply the same
 * rules ({@link SaleRules}); what differs is what each knows when it applies them ({@link OrderCase}).
 *
 * <p>Limits: capacity (enough stock, a seat still free) is not a rule here: only the ledger, deciding
 * an item's orders one after another, can know it. The door's sold-out refusal is a hint from a
 * published view, not a rule.
 */
public enum SaleRule {

    /** The sale exists. */
    SALE_EXISTS(RejectionReason.INVALID_ITEM) {
        @Override
        Optional<Breach> check(OrderCase order) {
            return order.sale() == null ? breach("saleId", "is not a known sale") : PASSES;
        }
    },

    /** The sale has the item. */
    ITEM_EXISTS(RejectionReason.INVALID_ITEM) {
        @Override
        Optional<Breach> check(OrderCase order) {
            return order.item() == null ? breach("sku", "is not an item of sale " + order.saleId()) : PASSES;
        }
    },

    /** Only a seated item has seats to name. */
    SEATS_ONLY_ON_SEATED_ITEMS(RejectionReason.INVALID_ITEM) {
        @Override
        Optional<Breach> check(OrderCase order) {
            return !order.seatIds().isEmpty() && order.item().kind() == ItemKind.STOCK
                    ? breach("seatIds", "item " + order.sku() + " has no named seats")
                    : PASSES;
        }
    },

    /** Every named seat is a seat of the item. */
    SEATS_OF_THE_ITEM(RejectionReason.INVALID_ITEM) {
        @Override
        Optional<Breach> check(OrderCase order) {
            for (int i = 0; i < order.seatIds().size(); i++) {
                if (!order.item().hasSeat().test(order.seatIds().get(i))) {
                    return breach("seatIds[" + i + "]", "is not a seat of item " + order.sku());
                }
            }
            return PASSES;
        }
    },

    /** What the buyer holds in the sale, with this order, stays within the per-customer limit. */
    WITHIN_CUSTOMER_LIMIT(RejectionReason.LIMIT_EXCEEDED) {
        @Override
        Optional<Breach> check(OrderCase order) {
            int limit = order.sale().perCustomerLimit();
            return (long) order.alreadyHeld() + order.quantity() > limit
                    ? breach("quantity", "must not exceed the sale's per-customer limit of " + limit)
                    : PASSES;
        }
    },

    /** The order was placed once the sale had opened. */
    PLACED_WHEN_OPEN(RejectionReason.SALE_CLOSED) {
        @Override
        Optional<Breach> check(OrderCase order) {
            return order.placedAt().isBefore(order.sale().opensAt())
                    ? breach("saleId", "opens at " + order.sale().opensAt())
                    : PASSES;
        }
    };

    private static final Optional<Breach> PASSES = Optional.empty();

    private final RejectionReason rejection;

    SaleRule(RejectionReason rejection) {
        this.rejection = rejection;
    }

    /** The reason an order refused by this rule is rejected with, when the processor decides it. */
    public RejectionReason rejection() {
        return rejection;
    }

    /**
     * The breach of this rule by the order, if any. Rules listed before this one in {@link SaleRules}
     * have passed: a rule about the item may assume the sale and the item exist.
     */
    abstract Optional<Breach> check(OrderCase order);

    Optional<Breach> breach(String field, String message) {
        return Optional.of(new Breach(this, field, message));
    }

    /** A rule that an order breaks, the request field at fault and what is wrong with it, in words. */
    public record Breach(SaleRule rule, String field, String message) {}
}
