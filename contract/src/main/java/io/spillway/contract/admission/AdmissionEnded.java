package io.spillway.contract.admission;

import io.spillway.contract.OrderEvent;
import java.time.Instant;
import java.util.UUID;

/**
 * An admission stopped counting against {@code maxActive}: the shop called leave, or its token
 * expired. With {@link EntryAdmitted} it lets anyone recompute, from the topic alone, how many
 * admissions were active at any instant.
 */
public record AdmissionEnded(
        int schemaVersion, EntryId entryId, RoomId roomId, UUID jti, Reason reason, Instant happenedAt)
        implements AdmissionEvent {

    public enum Reason {
        LEFT,
        EXPIRED
    }

    public AdmissionEnded {
        AdmissionEvent.requireSupported(schemaVersion);
        OrderEvent.require(entryId, "entryId");
        OrderEvent.require(roomId, "roomId");
        OrderEvent.require(jti, "jti");
        OrderEvent.require(reason, "reason");
        OrderEvent.require(happenedAt, "happenedAt");
    }

    @Override
    public String key() {
        return entryId.toString();
    }
}
