package io.spillway.contract.admission;

import io.spillway.contract.OrderEvent;
import java.time.Instant;
import java.util.UUID;

/**
 * The shop called leave with a valid admission token: the admission named by {@code jti} ends now
 * and its slot frees. The door checked the token's signature, room and expiry; the admitter ends
 * the admission only if {@code jti} is the one it granted that entry and it has not ended.
 */
public record LeaveRequested(int schemaVersion, EntryId entryId, RoomId roomId, UUID jti, Instant acceptedAt)
        implements EntryCommand {

    public LeaveRequested {
        EntryCommand.requireSupported(schemaVersion);
        OrderEvent.require(entryId, "entryId");
        OrderEvent.require(roomId, "roomId");
        OrderEvent.require(jti, "jti");
        OrderEvent.require(acceptedAt, "acceptedAt");
    }
}
