package io.spillway.notifier.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueModelTest {

    private final List<double[]> audited = new ArrayList<>();
    private final QueueModel model = new QueueModel(0, (given, actual) -> audited.add(new double[] {given, actual}));

    @Test
    void positionIsTheRecordsBetweenTheGroupsCommittedOffsetAndTheOrder() {
        model.observe(0, Map.of(0, 100L, 1, 7L), Map.of(0, 200L, 1, 7L));

        assertThat(model.estimate(0, 150).position()).isEqualTo(50);
        assertThat(model.estimate(0, 100).position()).isZero();
        // The group already moved past it: being decided right now, never negative.
        assertThat(model.estimate(1, 3).position()).isZero();
    }

    @Test
    void beforeTheGroupCommittedThePositionCountsFromTheStartAndThereIsNoEstimate() {
        model.observe(0, Map.of(), Map.of(0, 40L));

        QueueEstimate estimate = model.estimate(0, 25);

        assertThat(estimate.position()).isEqualTo(25);
        assertThat(estimate.etaSeconds()).isNull();
        assertThat(estimate.confidence()).isZero();
    }

    @Test
    void etaIsTheOrdersAheadAndTheOrderItselfAtTheLinesSpeed() {
        model.observe(0, Map.of(0, 0L), Map.of(0, 1_000L));
        model.observe(10_000, Map.of(0, 100L), Map.of(0, 1_000L));

        QueueEstimate estimate = model.estimate(0, 349);

        assertThat(estimate.position()).isEqualTo(249);
        assertThat(estimate.etaSeconds()).isEqualTo(25);
        // Ten busy seconds, all windows agreeing: 10 / (10 + 30).
        assertThat(estimate.confidence()).isEqualTo(0.25);
    }

    @Test
    void theEtaAllowsForHowFarTheLineMovedSinceTheLastLookButThePositionDoesNot() {
        model.observe(0, Map.of(0, 0L), Map.of(0, 1_000L));
        model.observe(10_000, Map.of(0, 100L), Map.of(0, 1_000L));

        // 0.6 s after the look, at 10 a second: about 6 fewer ahead than the look showed.
        QueueEstimate later = model.estimate(0, 349, 10_600);

        assertThat(later.position()).isEqualTo(249);
        assertThat(later.etaSeconds()).isEqualTo(25 - 1);
    }

    @Test
    void aLineWithoutHistoryBorrowsTheOtherLinesSpeedAtHalfTheirConfidence() {
        model.observe(0, Map.of(0, 0L, 1, 0L), Map.of(0, 1_000L, 1, 0L));
        model.observe(10_000, Map.of(0, 100L, 1, 0L), Map.of(0, 1_000L, 1, 0L));

        QueueEstimate borrowed = model.estimate(1, 19);

        assertThat(borrowed.etaSeconds()).isEqualTo(2);
        assertThat(borrowed.confidence()).isEqualTo(0.13);
    }

    @Test
    void withNoLineMeasuredTheColdStartSpeedIsAGuessWithNoConfidence() {
        QueueModel cold = new QueueModel(4, (given, actual) -> {});
        cold.observe(0, Map.of(0, 0L), Map.of(0, 100L));

        QueueEstimate guess = cold.estimate(0, 39);

        assertThat(guess.etaSeconds()).isEqualTo(10);
        assertThat(guess.confidence()).isZero();
    }

    @Test
    void theEtaGivenWhenAnOrderIsFirstSeenIsAuditedAgainstItsActualWait() {
        model.observe(0, Map.of(0, 0L), Map.of(0, 1_000L));
        model.observe(10_000, Map.of(0, 100L), Map.of(0, 1_000L));
        // 10 a second, 49 ahead: told 5 s.
        model.firstSeen(0, 149, 10_000);
        // Seen twice (a replay): the first ETA stands.
        model.firstSeen(0, 149, 11_000);
        // Already decided when seen: nothing to audit.
        model.firstSeen(0, 50, 10_000);
        assertThat(model.audited()).isEqualTo(1);

        model.observe(15_000, Map.of(0, 149L), Map.of(0, 1_000L));
        assertThat(audited).isEmpty();
        model.observe(18_000, Map.of(0, 150L), Map.of(0, 1_000L));

        assertThat(audited).hasSize(1);
        assertThat(audited.getFirst()).containsExactly(5.0, 8.0);
        assertThat(model.audited()).isZero();
    }

    @Test
    void aStalledLineHasNoEta() {
        model.observe(0, Map.of(0, 10L), Map.of(0, 1_000L));
        model.observe(5_000, Map.of(0, 10L), Map.of(0, 1_000L));

        QueueEstimate estimate = model.estimate(0, 20);

        assertThat(estimate.position()).isEqualTo(10);
        assertThat(estimate.etaSeconds()).isNull();
        assertThat(estimate.confidence()).isZero();
    }

    @Test
    void positionFallsAsTheGroupCommits() {
        model.observe(0, Map.of(2, 0L), Map.of(2, 10L));
        long before = model.estimate(2, 9).position();
        model.observe(1_000, Map.of(2, 4L), Map.of(2, 10L));
        long after = model.estimate(2, 9).position();

        assertThat(before).isEqualTo(9);
        assertThat(after).isEqualTo(5);
    }
}
