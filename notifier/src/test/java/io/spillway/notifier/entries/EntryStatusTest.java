package io.spillway.notifier.entries;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.CustomerId;
import io.spillway.contract.admission.AdmissionEnded;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.contract.admission.EntryClosed;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryWaiting;
import io.spillway.contract.admission.RoomId;
import io.spillway.contract.admission.RoomProgress;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EntryStatusTest {

    static final RoomId ROOM = RoomId.of("room-1");
    static final EntryId ENTRY = EntryId.of(ROOM, CustomerId.of("buyer-1"));
    static final Instant T0 = Instant.parse("2026-12-24T09:00:00Z");

    final AdmissionsView view = new AdmissionsView();

    @Test
    void anAdmissionOutranksWaitingWhateverTheOrder() {
        EntryStatus admitted = view.apply(admitted(T0.plusSeconds(5)));
        assertThat(admitted.state()).isEqualTo(EntryState.ADMITTED);

        assertThat(view.apply(waiting(4L, T0))).isNull();
        assertThat(view.entry(ENTRY).orElseThrow().state()).isEqualTo(EntryState.ADMITTED);
        assertThat(view.entry(ENTRY).orElseThrow().admission().token()).isEqualTo("t.o.k");
    }

    @Test
    void theFirstTerminalStateStays() {
        view.apply(waiting(4L, T0));
        view.apply(new EntryClosed(1, ENTRY, ROOM, T0.plusSeconds(1)));

        assertThat(view.apply(admitted(T0.plusSeconds(2)))).isNull();
        assertThat(view.entry(ENTRY).orElseThrow().state()).isEqualTo(EntryState.CLOSED);
    }

    @Test
    void theDrawGivesAPrequeueEntryItsPlaceAndAReplayChangesNothing() {
        assertThat(view.apply(waiting(null, T0)).line()).isNull();
        EntryStatus drawn = view.apply(waiting(12L, T0.plusSeconds(60)));

        assertThat(drawn.line()).isEqualTo(12L);
        assertThat(drawn.prequeue()).isTrue();
        assertThat(view.apply(waiting(12L, T0.plusSeconds(60)))).isNull();
        assertThat(view.apply(waiting(null, T0))).isNull();
    }

    @Test
    void anAdmissionsEndLeavesTheEntryAdmitted() {
        view.apply(admitted(T0));

        assertThat(view.apply(new AdmissionEnded(1, ENTRY, ROOM, UUID.randomUUID(), AdmissionEnded.Reason.LEFT,
                T0.plusSeconds(30)))).isNull();
        assertThat(view.entry(ENTRY).orElseThrow().state()).isEqualTo(EntryState.ADMITTED);
    }

    @Test
    void aRoomKeepsItsLatestProgressAndOnlyNewProgressMovesTheVersion() {
        view.apply(progress(5, T0.plusSeconds(2)));
        long version = view.version();

        view.apply(progress(3, T0.plusSeconds(1)));
        assertThat(view.room(ROOM).admittedThrough()).isEqualTo(5);
        assertThat(view.version()).isEqualTo(version);

        view.apply(progress(8, T0.plusSeconds(3)));
        assertThat(view.room(ROOM).admittedThrough()).isEqualTo(8);
        assertThat(view.version()).isGreaterThan(version);
    }

    @Test
    void decidedEntriesLeaveAfterTheirRetentionWaitingOnesStay() {
        EntryId other = EntryId.of(ROOM, CustomerId.of("buyer-2"));
        view.apply(admitted(T0));
        view.apply(new EntryWaiting(1, other, ROOM, 9L, false, T0, T0.minusSeconds(3600)));

        assertThat(view.forget(T0.plusSeconds(1))).isEqualTo(1);
        assertThat(view.entry(ENTRY)).isEmpty();
        assertThat(view.entry(other)).isPresent();
    }

    static EntryWaiting waiting(Long line, Instant at) {
        return new EntryWaiting(1, ENTRY, ROOM, line, line == null, T0.plusSeconds(60), at);
    }

    static EntryAdmitted admitted(Instant at) {
        return new EntryAdmitted(1, ENTRY, ROOM, CustomerId.of("buyer-1"), 4, UUID.randomUUID(), "t.o.k",
                at.plusSeconds(600), URI.create("https://shop.example/checkout"), at);
    }

    static RoomProgress progress(long admittedThrough, Instant at) {
        return new RoomProgress(1, ROOM, admittedThrough, 20, 0, 0, 60, 0, true, at);
    }
}
