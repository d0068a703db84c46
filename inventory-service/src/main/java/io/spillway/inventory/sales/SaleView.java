package io.spillway.inventory.sales;

import io.spillway.contract.ItemKind;
import io.spillway.contract.OpeningOrder;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.inventory.sales.rules.OpeningState;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code GET /api/v1/sales/{saleId}} answers (CONTRACT.md, "Sales"); items in SKU order.
 * {@code state} is as of when the view was read (it may lag by the view's cache window); {@code draw}
 * is null for a sale created before draws existed.
 */
record SaleView(
        SaleId saleId, String name, SaleState state, Instant opensAt, Instant prequeueOpensAt,
        OpeningOrder openingOrder, int holdSeconds, int perCustomerLimit, DrawView draw, List<ItemView> items) {

    SaleView {
        // Java's order of strings, not the database's collation, so the order is the same everywhere.
        items = items.stream().sorted(Comparator.comparing(item -> item.sku().value())).toList();
    }

    /** A sale without a pre-queue or draw, open or not as of {@code now}. */
    SaleView(SaleId saleId, String name, Instant opensAt, int holdSeconds, int perCustomerLimit, List<ItemView> items) {
        this(saleId, name, SaleState.at(Instant.now(), null, opensAt), opensAt, null, OpeningOrder.FIFO, holdSeconds,
                perCustomerLimit, null, items);
    }

    /**
     * The draw's public part: the commitment from creation on; the seed (hex) only once every
     * pre-queue order of the sale is decided, null before.
     */
    record DrawView(String commitment, String seed) {}

    /**
     * The states of CONTRACT.md: from the sale's times, {@code PAUSED} while an operator has
     * paused it, {@code CLOSED} for good once one closed it.
     */
    enum SaleState {
        SCHEDULED,
        PREQUEUE,
        OPEN,
        PAUSED,
        CLOSED;

        static SaleState at(Instant now, Instant prequeueOpensAt, Instant opensAt) {
            return at(now, prequeueOpensAt, opensAt, false, false);
        }

        static SaleState at(Instant now, Instant prequeueOpensAt, Instant opensAt, boolean paused, boolean closed) {
            // The same states as a room's, named the same; the view keeps its own type for its JSON.
            return valueOf(OpeningState.at(now, prequeueOpensAt, opensAt, paused, closed).name());
        }
    }

    /** One item's availability; {@code available} excludes the units {@code held} for payment. */
    record ItemView(Sku sku, ItemKind kind, int total, int available, int held, boolean soldOut) {

        /**
         * An item is sold out once the processor closed it (an order did not fit, which closes it
         * to every later order) or once nothing is left. Held units do not count as left: they come
         * back only if their holds expire or are cancelled, and the processor then reopens the item.
         */
        static ItemView of(Sku sku, ItemKind kind, int total, int available, int held, boolean closed) {
            return new ItemView(sku, kind, total, available, held, closed || available == 0);
        }
    }
}
