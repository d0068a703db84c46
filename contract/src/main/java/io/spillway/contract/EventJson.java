package io.spillway.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * The one JSON form of the events. Readers accept fields they do not know (a newer writer may add
 * some) but refuse a missing or invalid field, an unknown {@code type} and an unknown
 * {@code schemaVersion} with {@link MalformedEventException}.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private EventJson() {}

    public static byte[] write(OrderEvent event) {
        try {
            return MAPPER.writerFor(OrderEvent.class).writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + event, e);
        }
    }

    public static OrderEvent read(byte[] json) {
        return read(json, OrderEvent.class);
    }

    public static <T extends OrderEvent> T read(byte[] json, Class<T> expected) {
        if (json == null) {
            throw new MalformedEventException("the record has no value");
        }
        OrderEvent event;
        try {
            event = MAPPER.readValue(json, OrderEvent.class);
        } catch (IOException e) {
            throw new MalformedEventException(rootMessage(e), e);
        }
        if (!expected.isInstance(event)) {
            throw new MalformedEventException(
                    "expected " + expected.getSimpleName() + " but got " + event.getClass().getSimpleName());
        }
        return expected.cast(event);
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        int newline = message == null ? -1 : message.indexOf('\n');
        return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
    }

    /** A record that cannot be read as an event of this schema. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message);
        }

        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
