package io.spillway.contract;

import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serde over a pair of functions: the one shape behind {@link EventSerde} and {@link CatalogSerde}. */
abstract class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Function<T, byte[]> writer;
    private final Function<byte[], T> reader;

    JsonSerde(Function<T, byte[]> writer, Function<byte[], T> reader) {
        this.writer = writer;
        this.reader = reader;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : writer.apply(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : reader.apply(data);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

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
