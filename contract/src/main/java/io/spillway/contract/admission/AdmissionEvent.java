package io.spillway.contract.admission;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * Everything the admitter says on {@link AdmissionTopics#admissions}: about one entry, keyed by
 * {@code entryId} ({@link EntryWaiting}, {@link EntryAdmitted}, {@link EntryClosed},
 * {@link AdmissionEnded}), and about a room's line as a whole, keyed by {@code roomId}
 * ({@link RoomProgress}), from which a reader computes every waiting entry's position. An entry's
 * events rank {@code WAITING} &lt; {@code ADMITTED} / {@code CLOSED} whatever the order they arrive
 * in; an {@link AdmissionEnded} does not change the entry's state, which stays {@code ADMITTED}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = EntryWaiting.class, name = "EntryWaiting"),
    @JsonSubTypes.Type(value = EntryAdmitted.class, name = "EntryAdmitted"),
    @JsonSubTypes.Type(value = EntryClosed.class, name = "EntryClosed"),
    @JsonSubTypes.Type(value = AdmissionEnded.class, name = "AdmissionEnded"),
    @JsonSubTypes.Type(value = RoomProgress.class, name = "RoomProgress")
})
public sealed interface AdmissionEvent permits EntryWaiting, EntryAdmitted, EntryClosed, AdmissionEnded, RoomProgress {

    int SCHEMA_VERSION = 1;

    int schemaVersion();

    RoomId roomId();

    /** When the admitter did what this event says. */
    Instant happenedAt();

    /** The record key: the entry id, or the room id for {@link RoomProgress}. */
    String key();

    static void requireSupported(int schemaVersion) {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported schemaVersion " + schemaVersion);
        }
    }
}
