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
 * @param sales compacted, keyed {@code saleId}: each sale's {@link SaleDefined}, by inventory-service
 * @param availability compacted, keyed {@code saleId/sku}: each item's {@link ItemAvailability}, by
 *     inventory-service
 */
public record Topics(
        String requested, String results, String dlq, int partitions, short replicationFactor, String sales,
        String availability) {

    public static final Topics DEFAULTS = new Topics("orders.requested", "orders.results", "orders.dlq", 12, (short) 1);

    /** The default names of the catalogue topics, for callers that name only the order topics. */
    public static final String DEFAULT_SALES = "sales";

    public static final String DEFAULT_AVAILABILITY = "items.availability";

    /**
     * The largest catalogue record: a sale with 100,000 seats of up to 64 characters is about
     * 6.7 MB of JSON. Both the topics' {@code max.message.bytes} and the publisher's
     * {@code max.request.size} are set to it.
     */
    public static final int MAX_CATALOG_RECORD_BYTES = 8 * 1024 * 1024;

    /** The order topics as given, the catalogue topics with their default names. */
    public Topics(String requested, String results, String dlq, int partitions, short replicationFactor) {
        this(requested, results, dlq, partitions, replicationFactor, DEFAULT_SALES, DEFAULT_AVAILABILITY);
    }

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
        return new Topics(requested + suffix, results + suffix, dlq + suffix, partitions, replicationFactor,
                sales + suffix, availability + suffix);
    }
}
