package io.spillway.notifier.entries;

import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.RoomId;
import java.time.Instant;

/**
 * The entry's status body of the contract, also the {@code data:} of every event. Fields not known
 * yet (the entry is not visible) are null.
 *
 * @param queue only while {@code WAITING}: the same fields as an order's queue
 * @param admission only on {@code ADMITTED}
 */
record EntryView(EntryId entryId, RoomId roomId, EntryState status, Queue queue, EntryStatus.Admission admission,
        Instant updatedAt) {

    /**
     * @param position entries ahead of it in the room's line; null until it has a place (not visible
     *     yet, or a pre-queue entry before the draw)
     * @param etaSeconds seconds until it is likely admitted; null when nothing can be said
     * @param confidence in [0, 1]
     * @param prequeue whether the entry joined before the opening
     */
    record Queue(Long position, Long etaSeconds, double confidence, boolean prequeue) {}
}
