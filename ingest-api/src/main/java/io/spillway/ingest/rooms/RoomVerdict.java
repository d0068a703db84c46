package io.spillway.ingest.rooms;

import io.spillway.contract.admission.RoomDefined;
import java.time.Duration;

/** What the room view says about an entry at the door: let it in line, or refuse it and why. */
sealed interface RoomVerdict {

    record Pass(RoomDefined room) implements RoomVerdict {}

    /** @param retryAfter for {@link Reason#NOT_OPEN} the exact time until the door opens; for a pause a sale's wait */
    record Refuse(Reason reason, Duration retryAfter) implements RoomVerdict {}

    enum Reason {
        UNKNOWN,
        NOT_OPEN,
        CLOSED,
        PAUSED
    }
}
