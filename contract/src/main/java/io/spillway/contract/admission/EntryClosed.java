package io.spillway.contract.admission;

import io.spillway.contract.OrderEvent;
import java.time.Instant;

/** The entry ended without an admission: an operator closed the room while it waited. */
public record EntryClosed(int schemaVersion, EntryId entryId, RoomId roomId, Instant happenedAt)
        implements AdmissionEvent {

    public EntryClosed {
        AdmissionEvent.requireSupported(schemaVersion);
        OrderEvent.require(entryId, "entryId");
        OrderEvent.require(roomId, "roomId");
        OrderEvent.require(happenedAt, "happenedAt");
    }

    @Override
    public String key() {
        return entryId.toString();
    }
}
