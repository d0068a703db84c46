package io.spillway.contract;

/**
 * How much of an item is left, as last decided by the processor: {@code available} units or free
 * seats, and whether the item is closed to further orders ({@code soldOut}: nothing left, or an
 * order did not fit). Published by inventory-service to {@code items.availability}, keyed
 * {@code saleId/sku}; it lags the processor's decisions by the publisher's poll interval.
 */
public record ItemAvailability(int schemaVersion, SaleId saleId, Sku sku, int available, boolean soldOut)
        implements CatalogRecord {

    public ItemAvailability {
        CatalogRecord.requireVersion(schemaVersion, SCHEMA_VERSION);
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(sku, "sku");
        if (available < 0) {
            throw new IllegalArgumentException("available must not be negative");
        }
    }

    public static ItemAvailability of(SaleId saleId, Sku sku, int available, boolean soldOut) {
        return new ItemAvailability(SCHEMA_VERSION, saleId, sku, available, soldOut);
    }

    public ItemKey itemKey() {
        return new ItemKey(saleId, sku);
    }

    @Override
    public String key() {
        return itemKey().toString();
    }
}
