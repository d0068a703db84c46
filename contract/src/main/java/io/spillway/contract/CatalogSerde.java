package io.spillway.contract;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serde for one kind of {@link CatalogRecord}, in {@link CatalogJson}'s form. */
public final class CatalogSerde<T extends CatalogRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;

    private CatalogSerde(Class<T> type) {
        this.type = type;
    }

    public static CatalogSerde<SaleDefined> sales() {
        return new CatalogSerde<>(SaleDefined.class);
    }

    public static CatalogSerde<ItemAvailability> availability() {
        return new CatalogSerde<>(ItemAvailability.class);
    }

    public static CatalogSerde<CatalogRecord> records() {
        return new CatalogSerde<>(CatalogRecord.class);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : CatalogJson.write(data);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : CatalogJson.read(data, type);
    }

    @Override
    public void close() {}

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }
}
