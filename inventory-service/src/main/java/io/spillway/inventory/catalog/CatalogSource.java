package io.spillway.inventory.catalog;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatChunk;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.OpeningOrder;
import io.spillway.contract.admission.RoomDefined;
import io.spillway.contract.admission.RoomId;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the catalogue's current state from PostgreSQL, where it is decided: sales and their seats
 * as inventory-service created them, its rooms, items' {@code available} and {@code sold_out} as the processor
 * keeps them. Every poll reads all items in one query; that is cheap for the thousands of items a
 * deployment has at once (see docs/ingest.md for when it would stop being so).
 *
 * <p>Seats are read one {@link SeatChunk} at a time, by ordinal range over the index
 * {@code seats_by_ordinal}: a sale can have ten million seats, which must never be in memory at once.
 */
final class CatalogSource {

    private final JdbcTemplate jdbc;

    CatalogSource(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<SaleId> saleIds() {
        return jdbc.query("SELECT sale_id FROM sales", (row, i) -> SaleId.of(row.getString(1)));
    }

    /** The sales an operator paused or closed, with their {@link CatalogChanges#control}: published again when it changes. */
    java.util.Map<SaleId, String> controlledSales() {
        java.util.Map<SaleId, String> controls = new java.util.HashMap<>();
        jdbc.query("SELECT sale_id, paused, closed_at IS NOT NULL FROM sales WHERE paused OR closed_at IS NOT NULL",
                (java.sql.ResultSet row) -> {
                    controls.put(SaleId.of(row.getString(1)), CatalogChanges.control(row.getBoolean(2), row.getBoolean(3)));
                });
        return controls;
    }

    /**
     * How many times stock or seats were added to each sale's items ({@code item_additions}), for
     * the sales that had any: a sale whose count grew is published again, its seat chunks with it.
     */
    java.util.Map<SaleId, Long> additions() {
        java.util.Map<SaleId, Long> additions = new java.util.HashMap<>();
        jdbc.query("SELECT sale_id, count(*) FROM item_additions GROUP BY sale_id",
                (java.sql.ResultSet row) -> {
                    additions.put(SaleId.of(row.getString(1)), row.getLong(2));
                });
        return additions;
    }

    List<ItemAvailability> availability() {
        return jdbc.query("SELECT sale_id, sku, available, sold_out FROM items", (row, i) -> ItemAvailability.of(
                SaleId.of(row.getString(1)), Sku.of(row.getString(2)), row.getInt(3),
                // The processor closes an item when an order does not fit; none left closes it too.
                row.getBoolean(4) || row.getInt(3) == 0));
    }

    /** The sale without its seat ids, items in sku order (the order its chunks are published in). */
    Optional<SaleDefined> sale(SaleId saleId) {
        List<ItemDefinition> items = jdbc.query("SELECT sku, kind, total FROM items WHERE sale_id = ? ORDER BY sku",
                (row, i) -> ItemKind.valueOf(row.getString(2)) == ItemKind.SEATED
                        ? ItemDefinition.seated(Sku.of(row.getString(1)), row.getInt(3))
                        : ItemDefinition.stock(Sku.of(row.getString(1)), row.getInt(3)),
                saleId.value());
        return jdbc.query("SELECT name, opens_at, per_customer_limit, prequeue_opens_at, paused, closed_at FROM sales WHERE sale_id = ?",
                        (row, i) -> SaleDefined.of(saleId, row.getString(1),
                                row.getTimestamp(2).toInstant(), row.getInt(3), items,
                                row.getTimestamp(4) == null ? null : row.getTimestamp(4).toInstant())
                                .withPaused(row.getBoolean(5))
                                .withClosedAt(row.getTimestamp(6) == null ? null : row.getTimestamp(6).toInstant()),
                        saleId.value())
                .stream().findFirst();
    }

    /** Every room with its row's {@code version}, which each change of the room bumps. */
    java.util.Map<RoomId, Long> roomVersions() {
        java.util.Map<RoomId, Long> versions = new java.util.HashMap<>();
        jdbc.query("SELECT room_id, version FROM rooms",
                (java.sql.ResultSet row) -> {
                    versions.put(RoomId.of(row.getString(1)), row.getLong(2));
                });
        return versions;
    }

    /** The room as it stands, with the version it was read at. */
    Optional<VersionedRoom> room(RoomId roomId) {
        return jdbc.query("""
                        SELECT name, opens_at, prequeue_opens_at, opening_order, admit_per_minute, max_active,
                               session_seconds, checkout_url, paused, closed_at, version
                          FROM rooms WHERE room_id = ?""",
                        (row, i) -> new VersionedRoom(new RoomDefined(RoomDefined.SCHEMA_VERSION, roomId, row.getString(1),
                                row.getTimestamp(2).toInstant(),
                                row.getTimestamp(3) == null ? null : row.getTimestamp(3).toInstant(),
                                OpeningOrder.valueOf(row.getString(4)), row.getInt(5), row.getInt(6), row.getInt(7),
                                URI.create(row.getString(8)), row.getBoolean(9),
                                row.getTimestamp(10) == null ? null : row.getTimestamp(10).toInstant()),
                                row.getLong(11)),
                        roomId.value())
                .stream().findFirst();
    }

    record VersionedRoom(RoomDefined room, long version) {}

    /**
     * Chunk {@code chunk} of a seated item: the seats of ordinals {@code chunk × MAX_SEATS} up to the
     * next chunk's, which inventory-service numbered from 0 without gaps when it created them.
     */
    SeatChunk seatChunk(SaleId saleId, ItemDefinition item, int chunk) {
        int from = chunk * SeatChunk.MAX_SEATS;
        int to = Math.min(item.total(), from + SeatChunk.MAX_SEATS);
        List<SeatId> seats = jdbc.query(
                "SELECT seat_id FROM seats WHERE sale_id = ? AND sku = ? AND ordinal >= ? AND ordinal < ? ORDER BY ordinal",
                (row, i) -> SeatId.of(row.getString(1)), saleId.value(), item.sku().value(), from, to);
        if (seats.size() != to - from) {
            throw new IllegalStateException("item " + saleId + "/" + item.sku() + " has " + seats.size()
                    + " seats of ordinals " + from + " to " + (to - 1) + ", expected " + (to - from));
        }
        return SeatChunk.of(saleId, item.sku(), chunk, seats);
    }
}
