package io.spillway.contract;

/** Kafka serde for one kind of {@link CatalogRecord}, in {@link CatalogJson}'s form. */
public final class CatalogSerde<T extends CatalogRecord> extends JsonSerde<T> {

    private CatalogSerde(Class<T> type) {
        super(CatalogJson::write, json -> CatalogJson.read(json, type));
    }

    public static CatalogSerde<SaleDefined> sales() {
        return new CatalogSerde<>(SaleDefined.class);
    }

    public static CatalogSerde<SeatChunk> seats() {
        return new CatalogSerde<>(SeatChunk.class);
    }

    public static CatalogSerde<ItemAvailability> availability() {
        return new CatalogSerde<>(ItemAvailability.class);
    }

    public static CatalogSerde<CatalogRecord> records() {
        return new CatalogSerde<>(CatalogRecord.class);
    }
}
