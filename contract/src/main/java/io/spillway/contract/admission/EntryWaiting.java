package io.spillway.contract.admission;

import io.spillway.contract.OrderEvent;
import java.time.Instant;

/**
 * The admitter has the entry and it waits: once when it reads the entry and, for a pre-queue entry,
 * once more when the draw gives it its place.
 *
 * @param line the entry's place in the room's line, from 1: admissions go in this order, so the
 *     entry's position is {@code line - }{@link RoomProgress#admittedThrough()}; null while the
 *     entry waits for the draw (a pre-queue entry before the opening)
 * @param prequeue whether the door took the entry before {@code opensAt}
 * @param opensAt the room's opening: a pre-queue entry's wait counts from it
 */
public record EntryWaiting(
        int schemaVersion, EntryId entryId, RoomId roomId, Long line, boolean prequeue, Instant opensAt,
        Instant happenedAt) implements AdmissionEvent {

    public EntryWaiting {
        AdmissionEvent.requireSupported(schemaVersion);
        OrderEvent.require(entryId, "entryId");
        OrderEvent.require(roomId, "roomId");
        OrderEvent.require(opensAt, "opensAt");
        OrderEvent.require(happenedAt, "happenedAt");
        if (line != null && line < 1) {
            throw new IllegalArgumentException("line must be at least 1");
        }
    }

    @Override
    public String key() {
        return entryId.toString();
    }
}
