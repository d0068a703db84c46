package io.spillway.inventory.catalog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code spillway_inventory_catalog_publish_failures_total{record}}: catalogue publishes that failed
 * and will be tried again, by {@code record} ({@code sale}, {@code availability} or {@code room}). Any increase
 * means the door does not know something it should; a steady rise is a sale that keeps failing
 * (the relay's log names it).
 */
final class PublishFailures {

    private final MeterRegistry registry;

    PublishFailures(MeterRegistry registry) {
        this.registry = registry;
    }

    void increment(String record) {
        Counter.builder("spillway.inventory.catalog.publish.failures")
                .description("Catalogue publishes that failed and are retried next poll")
                .tag("record", record)
                .register(registry)
                .increment();
    }
}
