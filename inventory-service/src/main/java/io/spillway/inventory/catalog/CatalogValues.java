package io.spillway.inventory.catalog;

import io.spillway.contract.CatalogJson;
import io.spillway.contract.CatalogRecord;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.RoomDefined;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The relay's one value serializer, so that one producer carries both kinds of what it publishes:
 * the sales' catalogue records in {@link CatalogJson}'s form, rooms in {@link AdmissionJson}'s.
 */
final class CatalogValues implements Serializer<Object> {

    @Override
    public byte[] serialize(String topic, Object value) {
        return switch (value) {
            case null -> null;
            case CatalogRecord record -> CatalogJson.write(record);
            case RoomDefined room -> AdmissionJson.writeRoom(room);
            default -> throw new IllegalArgumentException("not a catalogue value: " + value.getClass().getName());
        };
    }
}
