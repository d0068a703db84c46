package io.spillway.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.spillway.contract.EventJson.MalformedEventException;
import java.io.IOException;

/**
 * The JSON form of the {@link CatalogRecord}s, with the same reading rules as {@link EventJson}:
 * unknown fields are ignored, a missing or invalid field, an unknown {@code type} or
 * {@code schemaVersion} is a {@link MalformedEventException}.
 */
public final class CatalogJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private CatalogJson() {}

    public static byte[] write(CatalogRecord record) {
        try {
            return MAPPER.writerFor(CatalogRecord.class).writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + record.key(), e);
        }
    }

    public static <T extends CatalogRecord> T read(byte[] json, Class<T> expected) {
        if (json == null) {
            throw new MalformedEventException("the record has no value");
        }
        CatalogRecord record;
        try {
            record = MAPPER.readValue(json, CatalogRecord.class);
        } catch (IOException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new MalformedEventException(String.valueOf(root.getMessage()).lines().findFirst().orElse(""), e);
        }
        if (!expected.isInstance(record)) {
            throw new MalformedEventException(
                    "expected " + expected.getSimpleName() + " but got " + record.getClass().getSimpleName());
        }
        return expected.cast(record);
    }
}
