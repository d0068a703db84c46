package io.spillway.contract;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serde for one kind of event, in {@link EventJson}'s form. */
public final class EventSerde<T extends OrderEvent> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;

    private EventSerde(Class<T> type) {
        this.type = type;
    }

    public static EventSerde<OrderRequested> requests() {
        return new EventSerde<>(OrderRequested.class);
    }

    public static EventSerde<OrderDecision> decisions() {
        return new EventSerde<>(OrderDecision.class);
    }

    public static EventSerde<OrderEvent> events() {
        return new EventSerde<>(OrderEvent.class);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : EventJson.write(data);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : EventJson.read(data, type);
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
