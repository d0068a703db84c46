package io.spillway.notifier.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde for {@link OrderStatus} on the notifier's own internal topics (the repartition topic
 * and the table's changelog). Only the notifier reads them, so the form is private to it; a field
 * added later is ignored by an older reader during a rolling update.
 */
final class OrderStatusSerde implements Serde<OrderStatus>, Serializer<OrderStatus>, Deserializer<OrderStatus> {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            // Epoch seconds, not ISO text: parsing ISO instants was a visible share of the stream
            // thread's time under load. Readers accept both forms, so older records still read.
            .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    @Override
    public byte[] serialize(String topic, OrderStatus status) {
        if (status == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsBytes(status);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public OrderStatus deserialize(String topic, byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, OrderStatus.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an order status: " + e.getMessage(), e);
        }
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}

    @Override
    public Serializer<OrderStatus> serializer() {
        return this;
    }

    @Override
    public Deserializer<OrderStatus> deserializer() {
        return this;
    }
}
