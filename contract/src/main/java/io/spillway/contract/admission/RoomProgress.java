package io.spillway.contract.admission;

import io.spillway.contract.OrderEvent;
import java.time.Instant;

/**
 * How far a room's line has moved, published by its admitter after every admission step that
 * changed it and at least every few seconds while anyone waits: what a reader needs to give every
 * waiting entry its position and ETA without an event per entry.
 *
 * @param admittedThrough the line number of the last entry admitted or closed: every entry up to it
 *     has left the line (admissions follow the line)
 * @param lineLength the line number of the last entry in line (waiting or not)
 * @param active admissions not yet ended
 * @param admittedLastMinute admissions in the minute up to {@code happenedAt}
 * @param admitPerMinute the rate in force (0: no cap)
 * @param maxActive the cap in force (0: no cap)
 * @param opened whether the room's line is open: false before the opening, while paused, and once closed
 */
public record RoomProgress(
        int schemaVersion, RoomId roomId, long admittedThrough, long lineLength, int active,
        int admittedLastMinute, int admitPerMinute, int maxActive, boolean opened, Instant happenedAt)
        implements AdmissionEvent {

    public RoomProgress {
        AdmissionEvent.requireSupported(schemaVersion);
        OrderEvent.require(roomId, "roomId");
        OrderEvent.require(happenedAt, "happenedAt");
        if (admittedThrough < 0 || lineLength < admittedThrough) {
            throw new IllegalArgumentException("0 <= admittedThrough <= lineLength");
        }
    }

    @Override
    public String key() {
        return roomId.value();
    }
}
