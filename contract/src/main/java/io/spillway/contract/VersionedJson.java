package io.spillway.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.spillway.contract.EventJson.MalformedEventException;
import java.io.IOException;

/**
 * The reading and writing rules shared by every versioned JSON value on Spillway's topics: a
 * reader accepts fields it does not know (a newer writer may add some) but refuses a missing or
 * invalid field, an unknown {@code type} and an unknown {@code schemaVersion}.
 *
 * @param <R> the sealed root type whose {@code type} property names the concrete record
 */
public final class VersionedJson<R> {

    private static final ObjectMapper MAPPER = JsonBuffers.mapper()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    // Resolved once: writerFor and the type lookup behind it were a sixth of every write's time in
    // the door's profile. Both are immutable and safe to share.
    private final ObjectWriter writer;
    private final ObjectReader reader;

    public VersionedJson(Class<R> root) {
        this.writer = MAPPER.writerFor(root);
        this.reader = MAPPER.readerFor(root);
    }

    public byte[] write(R value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value, e);
        }
    }

    public <T extends R> T read(byte[] json, Class<T> expected) {
        if (json == null) {
            throw new MalformedEventException("the record has no value");
        }
        R value;
        try {
            value = reader.readValue(json);
        } catch (IOException e) {
            throw new MalformedEventException(firstLineOfRootCause(e), e);
        }
        if (!expected.isInstance(value)) {
            throw new MalformedEventException(
                    "expected " + expected.getSimpleName() + " but got " + value.getClass().getSimpleName());
        }
        return expected.cast(value);
    }

    private static String firstLineOfRootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
    }
}
