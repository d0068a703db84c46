package io.spillway.inventory;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code spillway.inventory.*}.
 *
 * @param adminToken the bearer token that may create sales ({@code SPILLWAY_ADMIN_TOKEN}); checked
 *     when the admin endpoint is built, so a missing or short token stops start-up
 * @param saleViewTtl how long a sale's view is served from memory: the contract lets availability
 *     lag by at most one second
 * @param saleViewCacheSize how many sales' views are kept at most
 * @param maxSaleBody the largest body {@code POST /api/v1/sales} reads; beyond it 413. 700 MiB: the
 *     largest valid sale (100 items of 100,000 seats of 64 characters) written compactly is
 *     670,011,061 bytes, and 700 MiB (734,003,200) leaves about 9% for whitespace (docs/ingest.md)
 */
@ConfigurationProperties("spillway.inventory")
public record InventoryProperties(
        String adminToken,
        @DefaultValue("1s") Duration saleViewTtl,
        @DefaultValue("10000") long saleViewCacheSize,
        @DefaultValue("700MB") DataSize maxSaleBody) {

    @Override
    public String toString() {
        // The record's own toString would print the secret into any log that prints the settings.
        return "InventoryProperties[adminToken=<hidden>, saleViewTtl=" + saleViewTtl
                + ", saleViewCacheSize=" + saleViewCacheSize + ", maxSaleBody=" + maxSaleBody + "]";
    }
}
