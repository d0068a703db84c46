package io.spillway.inventory.sales.rules;

import io.spillway.contract.ItemKind;
import io.spillway.contract.OpeningOrder;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.time.Instant;
import java.util.List;

/**
 * A sale that passed {@link NewSaleRules} and is about to be created. {@code holdSeconds} 0 means a
 * confirmation is final; otherwise a confirmed order is held that long for payment.
 * {@code prequeueOpensAt} null: no pre-queue; otherwise before {@code opensAt}.
 */
public record NewSale(
        SaleId saleId, String name, Instant opensAt, int perCustomerLimit, int holdSeconds, List<NewItem> items,
        Instant prequeueOpensAt, OpeningOrder openingOrder) {

    public NewSale {
        items = List.copyOf(items);
        openingOrder = openingOrder == null ? OpeningOrder.FIFO : openingOrder;
    }

    /** Without a pre-queue. */
    public NewSale(SaleId saleId, String name, Instant opensAt, int perCustomerLimit, int holdSeconds, List<NewItem> items) {
        this(saleId, name, opensAt, perCustomerLimit, holdSeconds, items, null, OpeningOrder.FIFO);
    }

    /** An item of a new sale; its whole {@link #total()} is available. */
    public sealed interface NewItem {

        Sku sku();

        ItemKind kind();

        int total();
    }

    public record StockItem(Sku sku, int stock) implements NewItem {

        @Override
        public ItemKind kind() {
            return ItemKind.STOCK;
        }

        @Override
        public int total() {
            return stock;
        }
    }

    /** Seats in the order the request listed them; that order is their ordinal. */
    public record SeatedItem(Sku sku, List<SeatId> seats) implements NewItem {

        public SeatedItem {
            seats = List.copyOf(seats);
        }

        @Override
        public ItemKind kind() {
            return ItemKind.SEATED;
        }

        @Override
        public int total() {
            return seats.size();
        }
    }
}
