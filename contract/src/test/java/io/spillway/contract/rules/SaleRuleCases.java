package io.spillway.contract.rules;

import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The one table of cases for the sale's rules. The rules themselves, the door and the ledger are each
 * checked against it (this module's {@code SaleRulesTest}, ingest-api's {@code SaleBookTest},
 * order-processor's {@code ItemLedgerTest}), so the three cannot drift apart.
 *
 * <p>Every case is an order for {@link #SALE}: it opens at {@link #OPENS}, allows
 * {@link #LIMIT} units per customer, and has {@link #GA} sold by count (plenty left) and {@link #VIP}
 * with the seats {@link #VIP_SEATS} (all free).
 */
public final class SaleRuleCases {

    public static final SaleId SALE = SaleId.of("concert");
    public static final Instant OPENS = Instant.parse("2026-12-24T09:00:00Z");
    public static final Instant OPEN = OPENS.plusSeconds(1);
    public static final int LIMIT = 4;
    public static final Sku GA = Sku.of("GA");
    public static final Sku VIP = Sku.of("VIP");
    public static final List<SeatId> VIP_SEATS = List.of(SeatId.of("A-1"), SeatId.of("A-2"), SeatId.of("A-3"));

    private static final Instant BEFORE = OPENS.minusSeconds(90);
    private static final SaleId OTHER_SALE = SaleId.of("other");
    private static final Sku BALCONY = Sku.of("BALCONY");

    private SaleRuleCases() {}

    /**
     * One order and what each side answers.
     *
     * @param alreadyHeld what the buyer holds in the sale before this order (the door cannot know)
     * @param atTheDoor the rule the door refuses the order by, or null when it lets it through
     * @param inTheLedger the rule the ledger rejects the order by, or null when it confirms it
     */
    public record Case(
            String name,
            SaleId saleId,
            Sku sku,
            int quantity,
            List<SeatId> seatIds,
            Instant placedAt,
            int alreadyHeld,
            SaleRule atTheDoor,
            SaleRule inTheLedger) {

        @Override
        public String toString() {
            return name;
        }

        /** The case as the given side knows it: the door passes {@code alreadyHeld} as 0. */
        public OrderCase asSeenBy(boolean door) {
            OrderCase.Sale sale = saleId.equals(SALE) ? new OrderCase.Sale(OPENS, LIMIT) : null;
            OrderCase.Item item = sale == null ? null : item(sku);
            return new OrderCase(saleId, sku, sale, item, quantity, seatIds, placedAt, door ? 0 : alreadyHeld);
        }

        private static OrderCase.Item item(Sku sku) {
            if (sku.equals(GA)) {
                return new OrderCase.Item(ItemKind.STOCK, seat -> false);
            }
            if (sku.equals(VIP)) {
                return new OrderCase.Item(ItemKind.SEATED, Set.copyOf(VIP_SEATS)::contains);
            }
            return null;
        }
    }

    private static List<SeatId> seats(String... ids) {
        return java.util.Arrays.stream(ids).map(SeatId::of).toList();
    }

    public static List<Case> all() {
        return List.of(
                new Case("an order by count that fits", SALE, GA, 2, List.of(), OPEN, 0, null, null),
                new Case("an order at the limit", SALE, GA, LIMIT, List.of(), OPEN, 0, null, null),
                new Case("named seats of the item", SALE, VIP, 2, seats("A-2", "A-1"), OPEN, 0, null, null),
                new Case("a seated item by count", SALE, VIP, 1, List.of(), OPEN, 0, null, null),
                new Case("placed at the very opening", SALE, GA, 1, List.of(), OPENS, 0, null, null),
                new Case("an unknown sale", OTHER_SALE, GA, 1, List.of(), OPEN, 0,
                        SaleRule.SALE_EXISTS, SaleRule.SALE_EXISTS),
                new Case("an unknown item", SALE, BALCONY, 1, List.of(), OPEN, 0,
                        SaleRule.ITEM_EXISTS, SaleRule.ITEM_EXISTS),
                new Case("seats on an item sold by count", SALE, GA, 1, seats("A-1"), OPEN, 0,
                        SaleRule.SEATS_ONLY_ON_SEATED_ITEMS, SaleRule.SEATS_ONLY_ON_SEATED_ITEMS),
                new Case("a seat the item does not have", SALE, VIP, 2, seats("A-1", "B-1"), OPEN, 0,
                        SaleRule.SEATS_OF_THE_ITEM, SaleRule.SEATS_OF_THE_ITEM),
                new Case("above the limit in one order", SALE, GA, LIMIT + 1, List.of(), OPEN, 0,
                        SaleRule.WITHIN_CUSTOMER_LIMIT, SaleRule.WITHIN_CUSTOMER_LIMIT),
                new Case("above the limit with what the buyer holds", SALE, GA, 2, List.of(), OPEN, LIMIT - 1,
                        null, SaleRule.WITHIN_CUSTOMER_LIMIT),
                new Case("up to the limit with what the buyer holds", SALE, GA, 1, List.of(), OPEN, LIMIT - 1,
                        null, null),
                new Case("placed before the opening", SALE, GA, 1, List.of(), BEFORE, 0,
                        SaleRule.PLACED_WHEN_OPEN, SaleRule.PLACED_WHEN_OPEN),
                new Case("before the opening and above the limit", SALE, GA, LIMIT + 1, List.of(), BEFORE, 0,
                        SaleRule.WITHIN_CUSTOMER_LIMIT, SaleRule.PLACED_WHEN_OPEN),
                new Case("an unknown item before the opening", SALE, BALCONY, 1, List.of(), BEFORE, 0,
                        SaleRule.ITEM_EXISTS, SaleRule.ITEM_EXISTS));
    }
}
