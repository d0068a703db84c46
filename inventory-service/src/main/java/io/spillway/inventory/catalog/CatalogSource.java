package io.spillway.inventory.catalog;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the catalogue's current state from PostgreSQL, where it is decided: sales and their seats
 * as inventory-service created them, items' {@code available} and {@code sold_out} as the processor
 * keeps them. Every poll reads all items in one query; that is cheap for the thousands of items a
 * deployment has at once (see docs/ingest.md for when it would stop being so).
 */
final class CatalogSource {

    private final JdbcTemplate jdbc;

    CatalogSource(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<SaleId> saleIds() {
        return jdbc.query("SELECT sale_id FROM sales", (row, i) -> SaleId.of(row.getString(1)));
    }

    List<ItemAvailability> availability() {
        return jdbc.query("SELECT sale_id, sku, available, sold_out FROM items", (row, i) -> ItemAvailability.of(
                SaleId.of(row.getString(1)), Sku.of(row.getString(2)), row.getInt(3),
                // The processor closes an item when an order does not fit; none left closes it too.
                row.getBoolean(4) || row.getInt(3) == 0));
    }

    Optional<SaleDefined> sale(SaleId saleId) {
        List<ItemDefinition> items = jdbc.query("SELECT sku, kind, total FROM items WHERE sale_id = ? ORDER BY sku",
                (row, i) -> {
                    ItemKind kind = ItemKind.valueOf(row.getString(2));
                    List<SeatId> seats = kind == ItemKind.SEATED ? seats(saleId, row.getString(1)) : List.of();
                    return new ItemDefinition(Sku.of(row.getString(1)), kind, row.getInt(3), seats);
                },
                saleId.value());
        return jdbc.query("SELECT name, opens_at, per_customer_limit FROM sales WHERE sale_id = ?",
                        (row, i) -> SaleDefined.of(saleId, row.getString(1),
                                row.getTimestamp(2).toInstant(), row.getInt(3), items),
                        saleId.value())
                .stream().findFirst();
    }

    private List<SeatId> seats(SaleId saleId, String sku) {
        return jdbc.query("SELECT seat_id FROM seats WHERE sale_id = ? AND sku = ? ORDER BY ordinal",
                (row, i) -> SeatId.of(row.getString(1)), saleId.value(), sku);
    }
}
