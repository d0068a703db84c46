package io.spillway.contract;

import java.time.Instant;
import java.util.List;

/**
 * A sale as created: when it opens, how much one customer may hold, its items and, for a seated
 * item, how many {@link SeatChunk}s carry its seat ids. Published by inventory-service to
 * {@code sales}, keyed by {@code saleId}; read by ingest-api to answer at the door without a
 * database call. The seat ids themselves are on {@code sales.seats}: a sale of 100 items of 100,000
 * seats is about 670 MB of seat ids, far beyond what one record may be, while this record stays
 * under 20 KB for the largest sale inventory-service accepts (checked in {@code CatalogJsonTest}).
 *
 * <p>Version 2: version 1 listed every seat id here and could not hold a large sale.
 */
public record SaleDefined(
        int schemaVersion, SaleId saleId, String name, Instant opensAt, int perCustomerLimit,
        List<ItemDefinition> items)
        implements CatalogRecord {

    /** This record's own version: 2 since the seat ids moved to {@link SeatChunk}s. */
    public static final int SCHEMA_VERSION = 2;

    public SaleDefined {
        CatalogRecord.requireVersion(schemaVersion, SCHEMA_VERSION);
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

    /**
     * One item of the sale. A {@code STOCK} item has no seat chunks; a {@code SEATED} one has
     * {@code total} seats in {@code seatChunks} chunks ({@link SeatChunk#chunksFor}), numbered from 0.
     */
    public record ItemDefinition(Sku sku, ItemKind kind, int total, int seatChunks) {

        public ItemDefinition {
            OrderEvent.require(sku, "sku");
            OrderEvent.require(kind, "kind");
            if (total < 0) {
                throw new IllegalArgumentException("total must not be negative");
            }
            if (kind == ItemKind.SEATED && seatChunks != SeatChunk.chunksFor(total)) {
                throw new IllegalArgumentException("a seated item of " + total + " seats has "
                        + SeatChunk.chunksFor(total) + " seat chunks, not " + seatChunks);
            }
            if (kind == ItemKind.STOCK && seatChunks != 0) {
                throw new IllegalArgumentException("a stock item has no seats");
            }
        }

        public static ItemDefinition stock(Sku sku, int total) {
            return new ItemDefinition(sku, ItemKind.STOCK, total, 0);
        }

        public static ItemDefinition seated(Sku sku, int seats) {
            return new ItemDefinition(sku, ItemKind.SEATED, seats, SeatChunk.chunksFor(seats));
        }
    }
}
