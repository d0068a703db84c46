package io.spillway.inventory;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.inventory.*}.
 *
 * @param adminToken the bearer token that may create sales ({@code SPILLWAY_ADMIN_TOKEN}); checked
 *     when the admin endpoint is built, so a missing or short token stops start-up
 * @param saleViewTtl how long a sale's view is served from memory: the contract lets availability
 *     lag by at most one second
 * @param saleViewCacheSize how many sales' views are kept at most
 */
@ConfigurationProperties("spillway.inventory")
public record InventoryProperties(
        String adminToken,
        @DefaultValue("1s") Duration saleViewTtl,
        @DefaultValue("10000") long saleViewCacheSize) {

    @Override
    public String toString() {
        // The record's own toString would print the secret into any log that prints the settings.
        return "InventoryProperties[adminToken=<hidden>, saleViewTtl=" + saleViewTtl
                + ", saleViewCacheSize=" + saleViewCacheSize + "]";
    }
}
