package io.spillway.inventory.sales;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.spillway.contract.SaleId;
import io.spillway.inventory.InventoryProperties;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Sales' views as served to the public, kept in memory for {@code spillway.inventory.sale-view-ttl}
 * (one second by default: the lag the contract allows).
 *
 * <p>Caffeine loads a missing key once while every other caller of that key waits for the result, so
 * a burst of readers of one sale costs the database one query per expiry, not one per reader.
 * Unknown sales are remembered too (as empty), for the same reason. A {@link Ticker} bean, if one
 * exists, replaces the system clock (tests freeze time with it).
 */
@Component
class SaleViews {

    private final LoadingCache<SaleId, Optional<SaleView>> cache;

    SaleViews(SaleRepository sales, InventoryProperties settings, ObjectProvider<Ticker> ticker, MeterRegistry meters) {
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(settings.saleViewTtl())
                .maximumSize(settings.saleViewCacheSize())
                .ticker(ticker.getIfAvailable(Ticker::systemTicker))
                .recordStats()
                .build(saleId -> sales.findWithItems(saleId.value()).map(sale -> sale.view(Instant.now())));
        CaffeineCacheMetrics.monitor(meters, cache, "sale-views");
    }

    Optional<SaleView> find(SaleId saleId) {
        return cache.get(saleId);
    }

    /** Drops what is known of a sale, so that its creation shows at once instead of a remembered 404. */
    void forget(SaleId saleId) {
        cache.invalidate(saleId);
    }

    /** Hits, misses and loads so far. */
    CacheStats stats() {
        return cache.stats();
    }
}
