package io.spillway.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What inventory-service says about sales on the compacted catalogue topics ({@link Topics#sales()}
 * and {@link Topics#availability()}): the current state of a sale or an item, not a change. A
 * reader keeps only the latest value per key, so a record may be published any number of times.
 * Each value names its {@code type} and {@code schemaVersion}, as the order events do.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = SaleDefined.class, name = "SaleDefined"),
    @JsonSubTypes.Type(value = ItemAvailability.class, name = "ItemAvailability")
})
public sealed interface CatalogRecord permits SaleDefined, ItemAvailability {

    int SCHEMA_VERSION = 1;

    int schemaVersion();

    SaleId saleId();

    /** The record key on its topic: {@code saleId} for a sale, {@code saleId/sku} for an item. */
    String key();
}
