package io.spillway.inventory.stock;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Sold, held and remaining units per item, for the sale-day dashboard: three gauges per item
 * ({@code spillway.inventory.item.remaining}, {@code spillway.inventory.item.sold} and
 * {@code spillway.inventory.items.held}, tagged {@code sale} and {@code sku}), read from PostgreSQL,
 * the only place stock is decided. The three add up to the item's total: a held unit is neither
 * remaining (the processor took it out of {@code available}) nor sold (it comes back if its hold
 * expires or is cancelled).
 *
 * <p>One query of the items table per refresh, on its own thread, never on a scrape: a scrape only reads
 * the last values. Every inventory instance exports the same values; dashboards take {@code max} over
 * instances. Items are never deleted, so gauges are only ever added.
 */
public final class StockGauges implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StockGauges.class);

    private record ItemKey(String sale, String sku) {}

    /** The last values read; a gauge holds its entry's key and reads the map at each scrape. */
    private record Stock(int total, int available, int held) {

        int sold() {
            return total - available - held;
        }
    }

    private final JdbcTemplate jdbc;
    private final MeterRegistry meters;
    private final Duration refresh;
    private final Map<ItemKey, Stock> stock = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stock-gauges");
        t.setDaemon(true);
        return t;
    });

    StockGauges(JdbcTemplate jdbc, MeterRegistry meters, Duration refresh) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.refresh = refresh;
    }

    void start() {
        thread.scheduleWithFixedDelay(this::refreshQuietly, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("stock gauges not refreshed this time, retrying in {}: {}", refresh, e.toString());
        }
    }

    void refresh() {
        jdbc.query("SELECT sale_id, sku, total, available, held FROM items", row -> {
            ItemKey key = new ItemKey(row.getString("sale_id"), row.getString("sku"));
            Stock read = new Stock(row.getInt("total"), row.getInt("available"), row.getInt("held"));
            if (stock.put(key, read) == null) {
                register(key);
            }
        });
    }

    private void register(ItemKey key) {
        Gauge.builder("spillway.inventory.item.remaining", stock, all -> all.get(key).available())
                .description("Units of the item not sold yet, as decided in PostgreSQL")
                .tag("sale", key.sale())
                .tag("sku", key.sku())
                .register(meters);
        Gauge.builder("spillway.inventory.item.sold", stock, all -> all.get(key).sold())
                .description("Units of the item sold and not held for payment, as decided in PostgreSQL")
                .tag("sale", key.sale())
                .tag("sku", key.sku())
                .register(meters);
        // The name the holds design gives it (docs/design/holds.md, section 5).
        Gauge.builder("spillway.inventory.items.held", stock, all -> all.get(key).held())
                .description("Units of the item held for payment by confirmed orders, as decided in PostgreSQL")
                .tag("sale", key.sale())
                .tag("sku", key.sku())
                .register(meters);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
