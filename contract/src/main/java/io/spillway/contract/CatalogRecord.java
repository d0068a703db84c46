package io.spillway.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What inventory-service says about sales on the compacted catalogue topics ({@link Topics#sales()},
 * {@link Topics#seats()} and {@link Topics#availability()}): the current state of a sale, of a part
 * of an item's seat list or of an item, not a change. A
 * reader keeps only the latest value per key, so a record may be published any number of times.
 * Each value names its {@code type} and {@code schemaVersion}, as the order events do.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = SaleDefined.class, name = "SaleDefined"),
    @JsonSubTypes.Type(value = SeatChunk.class, name = "SeatChunk"),
    @JsonSubTypes.Type(value = ItemAvailability.class, name = "ItemAvailability")
})
public sealed interface CatalogRecord permits SaleDefined, SeatChunk, ItemAvailability {

    /** The version of {@link ItemAvailability} and {@link SeatChunk}; {@link SaleDefined} has its own. */
    int SCHEMA_VERSION = 1;

    /** A reader refuses a version it does not know rather than guess at its meaning. */
    static void requireVersion(int schemaVersion, int supported) {
        if (schemaVersion != supported) {
            throw new IllegalArgumentException("unsupported schemaVersion " + schemaVersion);
        }
    }

    int schemaVersion();

    SaleId saleId();

    /**
     * The record key on its topic: {@code saleId} for a sale, {@code saleId/sku/chunk} for seats,
     * {@code saleId/sku} for an item's availability.
     */
    String key();
}
