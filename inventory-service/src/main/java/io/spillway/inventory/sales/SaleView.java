package io.spillway.inventory.sales;

import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** What {@code GET /api/v1/sales/{saleId}} answers (CONTRACT.md, "Sales"); items in SKU order. */
record SaleView(SaleId saleId, String name, Instant opensAt, int holdSeconds, int perCustomerLimit, List<ItemView> items) {

    SaleView {
        // Java's order of strings, not the database's collation, so the order is the same everywhere.
        items = items.stream().sorted(Comparator.comparing(item -> item.sku().value())).toList();
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
