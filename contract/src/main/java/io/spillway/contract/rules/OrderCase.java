package io.spillway.contract.rules;

import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One order as the sale's rules see it: what is asked for, when, by a buyer who already holds how
 * much of the sale, and what is known of the sale and the item.
 *
 * <p>The door and the ledger know different amounts: the door knows the sale's terms and the item's
 * seats but not what the buyer already holds (it passes 0); the ledger knows all of it, at the time
 * the order was placed.
 *
 * @param sale the sale's terms, or null when the sale is not known
 * @param item the item, or null when the sale has no such item
 * @param seatIds the named seats, empty for an order by count
 * @param placedAt when the order was placed (the door's clock when it accepted it)
 * @param alreadyHeld what the buyer already holds across the sale's items
 */
public record OrderCase(
        SaleId saleId,
        Sku sku,
        Sale sale,
        Item item,
        int quantity,
        List<SeatId> seatIds,
        Instant placedAt,
        int alreadyHeld) {

    public OrderCase {
        Objects.requireNonNull(saleId, "saleId");
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(placedAt, "placedAt");
        seatIds = seatIds == null ? List.of() : seatIds;
    }

    /** The terms every order of a sale is held to. */
    public record Sale(Instant opensAt, int perCustomerLimit) {

        public Sale {
            Objects.requireNonNull(opensAt, "opensAt");
        }
    }

    /**
     * An item of the sale.
     *
     * @param hasSeat whether a seat belongs to the item (never asked for an item sold by count)
     */
    public record Item(ItemKind kind, Predicate<SeatId> hasSeat) {

        public Item {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(hasSeat, "hasSeat");
        }
    }
}
