package io.spillway.contract.admission;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * What the door passes on about a room, on {@link AdmissionTopics#entries}, keyed by {@code roomId}
 * so that a room's entries and leaves are one line, in one partition, read by one admitter: a buyer
 * joining ({@link EntryRequested}) and the shop saying a buyer is done ({@link LeaveRequested}).
 * {@code acceptedAt} is the door's clock when every check passed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = EntryRequested.class, name = "EntryRequested"),
    @JsonSubTypes.Type(value = LeaveRequested.class, name = "LeaveRequested")
})
public sealed interface EntryCommand permits EntryRequested, LeaveRequested {

    int SCHEMA_VERSION = 1;

    int schemaVersion();

    RoomId roomId();

    EntryId entryId();

    Instant acceptedAt();

    default String key() {
        return roomId().value();
    }

    static void requireSupported(int schemaVersion) {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported schemaVersion " + schemaVersion);
        }
    }
}
