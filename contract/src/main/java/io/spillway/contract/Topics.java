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
 * @param seats compacted, keyed {@code saleId/sku/chunk}: seated items' seat ids in {@link SeatChunk}s,
 *     by inventory-service; named {@code <sales>.seats} unless configured
 * @param commands ingest → processor, keyed by order id: payments and cancellations ({@link
 *     OrderCommand}), {@code LogAppendTime}; named after {@code requested} unless configured
 * @param holds compacted, keyed by order id: one {@link HoldOpened} per hold ever opened, by the
 *     processor, read by the door to know which orders can be paid; named after {@code requested}
 */
public record Topics(
        String requested, String results, String dlq, int partitions, short replicationFactor, String sales,
        String availability, String seats, String commands, String holds) {

    public static final Topics DEFAULTS = new Topics("orders.requested", "orders.results", "orders.dlq", 12, (short) 1);

    /** The default names of the catalogue topics, for callers that name only the order topics. */
    public static final String DEFAULT_SALES = "sales";

    public static final String DEFAULT_AVAILABILITY = "items.availability";

    public static final String DEFAULT_SEATS = "sales.seats";

    /**
     * The catalogue topics' {@code max.message.bytes} and the publisher's {@code max.request.size}.
     * No record comes near it: the largest {@link SeatChunk} is about 0.64 MiB and the largest
     * {@link SaleDefined} under 20 KB (docs/ingest.md has the arithmetic); the margin is for readers
     * and writers of an older version.
     */
    public static final int MAX_CATALOG_RECORD_BYTES = 8 * 1024 * 1024;

    /** The order topics as given, the catalogue topics with their default names. */
    public Topics(String requested, String results, String dlq, int partitions, short replicationFactor) {
        this(requested, results, dlq, partitions, replicationFactor, DEFAULT_SALES, DEFAULT_AVAILABILITY);
    }

    /** The catalogue with the holds topics named after the requests topic. */
    public Topics(
            String requested, String results, String dlq, int partitions, short replicationFactor, String sales,
            String availability, String seats) {
        this(requested, results, dlq, partitions, replicationFactor, sales, availability, seats,
                siblingOf(requested, "commands"), siblingOf(requested, "holds"));
    }

    /** The catalogue with the seats topic named after the sales topic. */
    public Topics(
            String requested, String results, String dlq, int partitions, short replicationFactor, String sales,
            String availability) {
        this(requested, results, dlq, partitions, replicationFactor, sales, availability, seatsOf(sales));
    }

    /**
     * The seats topic that goes with a sales topic when none is named: {@code sales.seats} for
     * {@code sales}. Deriving it keeps a configuration that names only the sales topic (a test's own
     * topics, an older deployment) consistent.
     */
    public static String seatsOf(String sales) {
        return sales + ".seats";
    }

    /**
     * A topic named like {@code requested} with another last word: {@code orders.commands} for
     * {@code orders.requested}, {@code orders.requested-it7.commands} for a test's own name.
     */
    public static String siblingOf(String requested, String word) {
        String suffix = ".requested";
        return requested.endsWith(suffix)
                ? requested.substring(0, requested.length() - suffix.length()) + "." + word
                : requested + "." + word;
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
        String suffixedSeats = seats.equals(seatsOf(sales)) ? seatsOf(sales + suffix) : seats + suffix;
        return new Topics(requested + suffix, results + suffix, dlq + suffix, partitions, replicationFactor,
                sales + suffix, availability + suffix, suffixedSeats, commands + suffix, holds + suffix);
    }
}
