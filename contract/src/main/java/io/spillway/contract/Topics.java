package io.spillway.contract;

/**
 * The catalogue of Spillway's topics. Names are configurable (tests isolate themselves with their
 * own names) but every service reads them from this one record, bound from {@code spillway.topics}.
 *
 * @param requested ingest → processor, keyed {@code saleId/sku}
 * @param results processor → notifier, keyed by order id
 * @param dlq records the processor cannot read or decide, as received, cause in headers
 * @param partitions partitions of {@code requested}: the most processors that can share the work
 * @param replicationFactor replicas of every topic (1 locally, 3 in production)
 */
public record Topics(String requested, String results, String dlq, int partitions, short replicationFactor) {

    public static final Topics DEFAULTS = new Topics("orders.requested", "orders.results", "orders.dlq", 12, (short) 1);

    public Topics {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1");
        }
    }

    /** The same catalogue with every name suffixed, for a test that wants topics of its own. */
    public Topics withSuffix(String suffix) {
        return new Topics(requested + suffix, results + suffix, dlq + suffix, partitions, replicationFactor);
    }
}
