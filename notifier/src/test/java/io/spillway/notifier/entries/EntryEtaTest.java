package io.spillway.notifier.entries;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.admission.RoomId;
import io.spillway.contract.admission.RoomProgress;
import io.spillway.notifier.entries.EntryEta.Estimate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EntryEtaTest {

    static final RoomId ROOM = RoomId.of("room-1");
    static final Instant OPENS = Instant.parse("2026-12-24T09:00:00Z");
    static final Instant T = OPENS.plusSeconds(600);

    @Test
    void theSetRateGivesThePositionOverAdmissionsPerSecondFromTheProgressTime() {
        // 600 a minute = 10 a second; 100 still to admit up to and including this entry.
        RoomProgress room = progress(7, 10, 0, 600, 50, true, T);

        Estimate estimate = EntryEta.estimate(107L, OPENS, room, T.plusSeconds(2));

        assertThat(estimate.position()).isEqualTo(100);
        assertThat(estimate.etaSeconds()).isEqualTo(8);
        assertThat(estimate.confidence()).isEqualTo(EntryEta.SET_RATE_CONFIDENCE);
    }

    @Test
    void whenMaxActiveBindsTheRateIsTheAdmissionsOfTheLastMinute() {
        RoomProgress room = progress(0, 50, 120, 600, 50, true, T);

        Estimate estimate = EntryEta.estimate(100L, OPENS, room, T);

        assertThat(estimate.etaSeconds()).isEqualTo(50);
        assertThat(estimate.confidence()).isEqualTo(EntryEta.MEASURED_RATE_CONFIDENCE);
    }

    @Test
    void whenMaxActiveBindsAndNobodyLeftInTheLastMinuteNothingCanBeSaid() {
        RoomProgress room = progress(0, 50, 0, 600, 50, true, T);

        Estimate estimate = EntryEta.estimate(100L, OPENS, room, T);

        assertThat(estimate.position()).isEqualTo(100);
        assertThat(estimate.etaSeconds()).isNull();
        assertThat(estimate.confidence()).isZero();
    }

    @Test
    void beforeTheOpeningTheWaitCountsFromTheOpening() {
        RoomProgress room = progress(0, 0, 0, 600, 0, false, OPENS.minusSeconds(61));

        Estimate estimate = EntryEta.estimate(100L, OPENS, room, OPENS.minusSeconds(60));

        assertThat(estimate.etaSeconds()).isEqualTo(70);
    }

    @Test
    void aPrequeueEntryBeforeTheDrawHasNoPositionAndTheTimeToTheOpening() {
        Estimate estimate = EntryEta.estimate(null, OPENS, null, OPENS.minusMillis(90_500));

        assertThat(estimate.position()).isNull();
        assertThat(estimate.etaSeconds()).isEqualTo(91);
        assertThat(estimate.confidence()).isEqualTo(EntryEta.PREQUEUE_CONFIDENCE);
    }

    @Test
    void justAfterTheOpeningARoomNotOpenedYetCountsFromNow() {
        RoomProgress room = progress(0, 0, 0, 600, 0, false, OPENS.minusSeconds(1));

        Estimate estimate = EntryEta.estimate(50L, OPENS, room, OPENS.plusSeconds(2));

        assertThat(estimate.etaSeconds()).isEqualTo(5);
    }

    @Test
    void aPausedRoomGivesThePlaceButNoEta() {
        RoomProgress room = progress(40, 40, 0, 600, 0, false, T);

        Estimate estimate = EntryEta.estimate(50L, OPENS, room, T.plusSeconds(1));

        assertThat(estimate.position()).isEqualTo(10);
        assertThat(estimate.etaSeconds()).isNull();
    }

    @Test
    void aRoomWithoutCapsAdmitsAtItsNextStep() {
        RoomProgress room = progress(0, 0, 0, 0, 0, true, T);

        assertThat(EntryEta.estimate(500L, OPENS, room, T).etaSeconds()).isZero();
    }

    @Test
    void anOldProgressHalvesTheConfidenceAndTheEtaNeverGoesBelowZero() {
        RoomProgress room = progress(0, 0, 0, 600, 0, true, T);

        Estimate estimate = EntryEta.estimate(10L, OPENS, room, T.plusSeconds(20));

        assertThat(estimate.etaSeconds()).isZero();
        assertThat(estimate.confidence()).isEqualTo(EntryEta.SET_RATE_CONFIDENCE / 2);
    }

    @Test
    void aNewRateInTheNextProgressMovesTheEta() {
        RoomProgress before = progress(0, 0, 0, 600, 0, true, T);
        RoomProgress after = progress(0, 0, 0, 1200, 0, true, T.plusSeconds(1));

        assertThat(EntryEta.estimate(600L, OPENS, before, T.plusSeconds(1)).etaSeconds()).isEqualTo(59);
        assertThat(EntryEta.estimate(600L, OPENS, after, T.plusSeconds(1)).etaSeconds()).isEqualTo(30);
    }

    static RoomProgress progress(long admittedThrough, int active, int lastMinute, int perMinute, int maxActive,
            boolean opened, Instant at) {
        return new RoomProgress(1, ROOM, admittedThrough, Math.max(admittedThrough, 1000), active, lastMinute, perMinute,
                maxActive, opened, at);
    }
}
