package io.spillway.contract.admission;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderEvent;
import java.time.Instant;

/** A buyer joined a room's line at the door. */
public record EntryRequested(int schemaVersion, EntryId entryId, RoomId roomId, CustomerId customerId, Instant acceptedAt)
        implements EntryCommand {

    public EntryRequested {
        EntryCommand.requireSupported(schemaVersion);
        OrderEvent.require(entryId, "entryId");
        OrderEvent.require(roomId, "roomId");
        OrderEvent.require(customerId, "customerId");
        OrderEvent.require(acceptedAt, "acceptedAt");
        if (!entryId.equals(EntryId.of(roomId, customerId))) {
            throw new IllegalArgumentException("entryId is not the entry of this customer in this room");
        }
    }

    public static EntryRequested of(RoomId roomId, CustomerId customerId, Instant acceptedAt) {
        return new EntryRequested(SCHEMA_VERSION, EntryId.of(roomId, customerId), roomId, customerId, acceptedAt);
    }
}
