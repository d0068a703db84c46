package io.spillway.notifier.entries;

import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.contract.admission.EntryClosed;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryWaiting;
import io.spillway.contract.admission.RoomId;
import java.net.URI;
import java.time.Instant;

/**
 * What the notifier knows of one entry, and its state machine ({@link #merge}): {@code WAITING}
 * (rank 0) &lt; {@code ADMITTED} / {@code CLOSED} (rank 1, terminal), whatever the order the
 * admitter's events arrive in. Plain Java.
 *
 * @param line its place in the room's line, from 1; null before the draw gives a pre-queue entry one
 * @param opensAt the room's opening (a pre-queue entry's wait counts from it)
 * @param admission on {@code ADMITTED} only
 * @param updatedAt when the admitter did what the state says
 */
public record EntryStatus(
        EntryId entryId, RoomId roomId, EntryState state, Long line, boolean prequeue, Instant opensAt,
        Admission admission, Instant updatedAt) {

    /** The contract's {@code admission: {"token","expiresAt","url"}}. */
    public record Admission(String token, Instant expiresAt, URI url) {}

    /** What an entry's event says of it; null for an event that does not change its state (an admission's end, a room's progress). */
    static EntryStatus of(AdmissionEvent event) {
        return switch (event) {
            case EntryWaiting waiting -> new EntryStatus(waiting.entryId(), waiting.roomId(), EntryState.WAITING,
                    waiting.line(), waiting.prequeue(), waiting.opensAt(), null, waiting.happenedAt());
            case EntryAdmitted admitted -> new EntryStatus(admitted.entryId(), admitted.roomId(), EntryState.ADMITTED,
                    admitted.line(), false, null,
                    new Admission(admitted.token(), admitted.expiresAt(), admitted.url()), admitted.happenedAt());
            case EntryClosed closed -> new EntryStatus(closed.entryId(), closed.roomId(), EntryState.CLOSED, null,
                    false, null, null, closed.happenedAt());
            default -> null;
        };
    }

    public int rank() {
        return state == EntryState.WAITING ? 0 : 1;
    }

    public boolean isTerminal() {
        return rank() == 1;
    }

    /**
     * The entry's state machine: {@code current} itself when {@code update} brings nothing new (either
     * may be null). A higher rank wins; between two terminal states the first heard stays (the admitter
     * never sends both). Between two {@code WAITING}, the place the draw gave wins over none, and the
     * first place stays: a replay changes nothing.
     */
    public static EntryStatus merge(EntryStatus current, EntryStatus update) {
        if (update == null) {
            return current;
        }
        if (current == null || update.rank() > current.rank()) {
            return update;
        }
        if (current.rank() == 0 && current.line == null && update.line != null) {
            return new EntryStatus(current.entryId, current.roomId, EntryState.WAITING, update.line,
                    current.prequeue || update.prequeue, current.opensAt, null, update.updatedAt);
        }
        return current;
    }
}
