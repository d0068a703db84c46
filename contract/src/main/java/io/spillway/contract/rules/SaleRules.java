package io.spillway.contract.rules;

import static io.spillway.contract.rules.SaleRule.ITEM_EXISTS;
import static io.spillway.contract.rules.SaleRule.PLACED_WHEN_OPEN;
import static io.spillway.contract.rules.SaleRule.SALE_EXISTS;
import static io.spillway.contract.rules.SaleRule.SEATS_OF_THE_ITEM;
import static io.spillway.contract.rules.SaleRule.SEATS_ONLY_ON_SEATED_ITEMS;
import static io.spillway.contract.rules.SaleRule.WITHIN_CUSTOMER_LIMIT;

import io.spillway.contract.rules.SaleRule.Breach;
import java.util.List;
import java.util.Optional;

/**
 * Which of the {@link SaleRule}s the door and the ledger apply, and in which order: the first rule
 * an order breaks is the answer.
 *
 * <p>Both apply every rule, the door with less knowledge (the buyer's earlier orders count as
 * nothing there, so only the ledger enforces the limit across orders). They differ in one place of
 * the order: the door tells a buyer that an order can never succeed (above the limit: 422) before
 * telling them to come back later (not open: 409); the ledger judges an order by the moment it was
 * placed, so an order placed before the opening is {@code SALE_CLOSED} whatever else is wrong.
 */
public final class SaleRules {

    /** The rules the door applies to each request, in the order a buyer would want to hear them. */
    public static final List<SaleRule> AT_THE_DOOR = List.of(
            SALE_EXISTS, ITEM_EXISTS, SEATS_ONLY_ON_SEATED_ITEMS, SEATS_OF_THE_ITEM,
            WITHIN_CUSTOMER_LIMIT, PLACED_WHEN_OPEN);

    /** The rules the ledger applies to each order before it looks at stock or seats. */
    public static final List<SaleRule> IN_THE_LEDGER = List.of(
            SALE_EXISTS, ITEM_EXISTS, SEATS_ONLY_ON_SEATED_ITEMS, SEATS_OF_THE_ITEM,
            PLACED_WHEN_OPEN, WITHIN_CUSTOMER_LIMIT);

    private SaleRules() {}

    /** The first rule of {@code rules} the order breaks, or empty when it passes them all. */
    public static Optional<Breach> firstBreach(List<SaleRule> rules, OrderCase order) {
        for (SaleRule rule : rules) {
            Optional<Breach> breach = rule.check(order);
            if (breach.isPresent()) {
                return breach;
            }
        }
        return Optional.empty();
    }
}
