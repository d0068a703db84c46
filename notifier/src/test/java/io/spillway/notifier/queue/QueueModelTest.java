package io.spillway.notifier.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueModelTest {

    private final QueueModel model = new QueueModel();

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
        assertThat(estimate.confidence()).isEqualTo(0.5);
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
