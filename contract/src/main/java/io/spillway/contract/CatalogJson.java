package io.spillway.contract;

import io.spillway.contract.EventJson.MalformedEventException;

/**
 * The JSON form of the {@link CatalogRecord}s, with the same reading rules as {@link EventJson}:
 * unknown fields are ignored, a missing or invalid field, an unknown {@code type} or
 * {@code schemaVersion} is a {@link MalformedEventException}.
 */
public final class CatalogJson {

    private static final VersionedJson<CatalogRecord> JSON = new VersionedJson<>(CatalogRecord.class);

    private CatalogJson() {}

    public static byte[] write(CatalogRecord record) {
        return JSON.write(record);
    }

    public static <T extends CatalogRecord> T read(byte[] json, Class<T> expected) {
        return JSON.read(json, expected);
    }
}
