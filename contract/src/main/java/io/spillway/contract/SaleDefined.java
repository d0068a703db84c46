package io.spillway.contract;

import java.time.Instant;
import java.util.List;

/**
 * A sale as created: when it opens, how much one customer may hold, its items and, for a seated
 * item, every seat id. Published by inventory-service to {@code sales}, keyed by {@code saleId};
 * read by ingest-api to answer at the door without a database call. A sale with 100,000 seats
 * makes a record of a few megabytes, which is why that topic and its producer allow large records.
 */
public record SaleDefined(
        int schemaVersion, SaleId saleId, String name, Instant opensAt, int perCustomerLimit,
        List<ItemDefinition> items)
        implements CatalogRecord {

    public SaleDefined {
        requireSupported(schemaVersion);
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(name, "name");
        OrderEvent.require(opensAt, "opensAt");
        OrderEvent.require(items, "items");
        items = List.copyOf(items);
        if (perCustomerLimit < 1) {
            throw new IllegalArgumentException("perCustomerLimit must be at least 1");
        }
    }

    public static SaleDefined of(
            SaleId saleId, String name, Instant opensAt, int perCustomerLimit, List<ItemDefinition> items) {
        return new SaleDefined(SCHEMA_VERSION, saleId, name, opensAt, perCustomerLimit, items);
    }

    @Override
    public String key() {
        return saleId.value();
    }

    static void requireSupported(int schemaVersion) {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported schemaVersion " + schemaVersion);
        }
    }

    /**
     * One item of the sale. {@code seatIds} is empty for a {@code STOCK} item and lists every seat,
     * in the sale's order, for a {@code SEATED} one ({@code total} is then their count).
     */
    public record ItemDefinition(Sku sku, ItemKind kind, int total, List<SeatId> seatIds) {

        public ItemDefinition {
            OrderEvent.require(sku, "sku");
            OrderEvent.require(kind, "kind");
            seatIds = seatIds == null ? List.of() : List.copyOf(seatIds);
            if (total < 0) {
                throw new IllegalArgumentException("total must not be negative");
            }
            if (kind == ItemKind.SEATED && seatIds.size() != total) {
                throw new IllegalArgumentException("a seated item's total must be its number of seats");
            }
            if (kind == ItemKind.STOCK && !seatIds.isEmpty()) {
                throw new IllegalArgumentException("a stock item has no seats");
            }
        }
    }
}
