package io.spillway.contract;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
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
 * <p>Version 2: version 1 listed every seat id here and could not hold a large sale. Still 2 with
 * {@code prequeueOpensAt}: an optional field added to version 2 (readers ignore fields they do not
 * know, and read a record without it as a sale without a pre-queue), so old and new doors read
 * each other's records and no reader has to refuse a sale it could serve. So are {@code paused} and
 * {@code closedAt} (sale control): absent, the sale is open; an old door ignores them and keeps
 * taking orders, which the processor still rejects {@code SALE_CLOSED} once the sale is closed.
 */
public record SaleDefined(
        int schemaVersion, SaleId saleId, String name, Instant opensAt, int perCustomerLimit,
        List<ItemDefinition> items,
        // Absent from what writers before the pre-queue wrote: read as null, no pre-queue.
        @JacksonInject(value = "absent", useInput = OptBoolean.TRUE, optional = OptBoolean.TRUE)
                Instant prequeueOpensAt,
        // Absent from what writers before sale control wrote: read as null, a sale not paused.
        // (Each injectable needs its own id; none is ever supplied, optional makes it null.)
        @JacksonInject(value = "absent-paused", useInput = OptBoolean.TRUE, optional = OptBoolean.TRUE)
                Boolean paused,
        // Absent from what writers before closing wrote: read as null, a sale not closed.
        @JacksonInject(value = "absent-closed-at", useInput = OptBoolean.TRUE, optional = OptBoolean.TRUE)
                Instant closedAt)
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
        if (prequeueOpensAt != null && !prequeueOpensAt.isBefore(opensAt)) {
            throw new IllegalArgumentException("prequeueOpensAt must be before opensAt");
        }
        // One spelling of "not paused", so that records equal in meaning are equal.
        paused = Boolean.TRUE.equals(paused) ? Boolean.TRUE : null;
    }

    /** The sale as published before sale control: not paused. */
    public SaleDefined(
            int schemaVersion, SaleId saleId, String name, Instant opensAt, int perCustomerLimit,
            List<ItemDefinition> items, Instant prequeueOpensAt) {
        this(schemaVersion, saleId, name, opensAt, perCustomerLimit, items, prequeueOpensAt, null, null);
    }

    /** The sale as published before closing existed: not closed. */
    public SaleDefined(
            int schemaVersion, SaleId saleId, String name, Instant opensAt, int perCustomerLimit,
            List<ItemDefinition> items, Instant prequeueOpensAt, Boolean paused) {
        this(schemaVersion, saleId, name, opensAt, perCustomerLimit, items, prequeueOpensAt, paused, null);
    }

    /** Whether an operator closed the sale: the door refuses its orders for good. */
    public boolean doorClosed() {
        return closedAt != null;
    }

    /** This sale, closed at {@code closedAt} or (null) not closed. */
    public SaleDefined withClosedAt(Instant closedAt) {
        return new SaleDefined(schemaVersion, saleId, name, opensAt, perCustomerLimit, items, prequeueOpensAt, paused, closedAt);
    }

    /** Whether an operator paused the sale: the door refuses new orders, queued ones are still decided. */
    public boolean doorPaused() {
        return Boolean.TRUE.equals(paused);
    }

    /** This sale, paused or not. */
    public SaleDefined withPaused(boolean paused) {
        return new SaleDefined(schemaVersion, saleId, name, opensAt, perCustomerLimit, items, prequeueOpensAt, paused, closedAt);
    }

    /** A sale without a pre-queue, as every sale was before the pre-queue. */
    public SaleDefined(
            int schemaVersion, SaleId saleId, String name, Instant opensAt, int perCustomerLimit,
            List<ItemDefinition> items) {
        this(schemaVersion, saleId, name, opensAt, perCustomerLimit, items, null);
    }

    public static SaleDefined of(
            SaleId saleId, String name, Instant opensAt, int perCustomerLimit, List<ItemDefinition> items) {
        return new SaleDefined(SCHEMA_VERSION, saleId, name, opensAt, perCustomerLimit, items, null);
    }

    /** {@code prequeueOpensAt} null: no pre-queue; orders are taken from {@code opensAt}. */
    public static SaleDefined of(
            SaleId saleId, String name, Instant opensAt, int perCustomerLimit, List<ItemDefinition> items,
            Instant prequeueOpensAt) {
        return new SaleDefined(SCHEMA_VERSION, saleId, name, opensAt, perCustomerLimit, items, prequeueOpensAt);
    }

    /** When the door starts taking orders: the pre-queue's opening, or {@code opensAt} without one. */
    public Instant doorOpensAt() {
        return prequeueOpensAt == null ? opensAt : prequeueOpensAt;
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
