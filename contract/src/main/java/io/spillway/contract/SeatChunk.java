package io.spillway.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * Part of a seated item's seat list: at most {@link #MAX_SEATS} seat ids, in the sale's order,
 * chunk {@code chunk} of the {@link SaleDefined.ItemDefinition#seatChunks()} the item has. Published
 * by inventory-service to {@code sales.seats}, keyed {@code saleId/sku/chunk}; the door assembles an
 * item's seats only once every chunk is in.
 *
 * <p>Why chunks and not one record per sale: the largest sale inventory-service accepts (100 items
 * of 100,000 seats of 64 characters) is about 670 MB of seat ids. A chunk of 10,000 such seats is
 * at most 670,300 bytes of JSON ({@code CatalogJsonTest} builds the worst case), under Kafka's
 * default 1 MiB record limit and an eighth of the catalogue topics' 8 MiB, whatever the sale.
 *
 * <p>Limits: a sale's chunks are published before its {@code SaleDefined} but, on separate topics,
 * may be read in either order; a reader must wait for both.
 */
public record SeatChunk(int schemaVersion, SaleId saleId, Sku sku, int chunk, List<SeatId> seatIds)
        implements CatalogRecord {

    /** The most seats in one chunk. */
    public static final int MAX_SEATS = 10_000;

    public SeatChunk {
        CatalogRecord.requireVersion(schemaVersion, SCHEMA_VERSION);
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(sku, "sku");
        OrderEvent.require(seatIds, "seatIds");
        seatIds = List.copyOf(seatIds);
        if (chunk < 0) {
            throw new IllegalArgumentException("chunk must not be negative");
        }
        if (seatIds.isEmpty() || seatIds.size() > MAX_SEATS) {
            throw new IllegalArgumentException("a seat chunk holds 1 to " + MAX_SEATS + " seats");
        }
    }

    public static SeatChunk of(SaleId saleId, Sku sku, int chunk, List<SeatId> seatIds) {
        return new SeatChunk(SCHEMA_VERSION, saleId, sku, chunk, seatIds);
    }

    /** How many chunks an item of {@code seats} seats has: every chunk full but the last. */
    public static int chunksFor(int seats) {
        return (seats + MAX_SEATS - 1) / MAX_SEATS;
    }

    /** An item's whole seat list, in chunks (for writers that hold it in memory, such as tests). */
    public static List<SeatChunk> split(SaleId saleId, Sku sku, List<SeatId> seats) {
        List<SeatChunk> chunks = new ArrayList<>(chunksFor(seats.size()));
        for (int from = 0, chunk = 0; from < seats.size(); from += MAX_SEATS, chunk++) {
            chunks.add(of(saleId, sku, chunk, seats.subList(from, Math.min(seats.size(), from + MAX_SEATS))));
        }
        return chunks;
    }

    public ItemKey itemKey() {
        return new ItemKey(saleId, sku);
    }

    @Override
    public String key() {
        return saleId.value() + "/" + sku.value() + "/" + chunk;
    }
}
