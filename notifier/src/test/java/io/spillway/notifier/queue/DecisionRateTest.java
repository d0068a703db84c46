package io.spillway.notifier.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DecisionRateTest {

    private final DecisionRate rate = new DecisionRate();

    @Test
    void knowsNothingBeforeTwoSamplesOfABusyLine() {
        assertThat(rate.perSecond()).isEmpty();
        assertThat(rate.confidence()).isZero();

        rate.observe(0, 100, 500);

        assertThat(rate.perSecond()).isEmpty();
        assertThat(rate.confidence()).isZero();
    }

    @Test
    void measuresTheCommittedOffsetsAdvancePerSecondWhileTheLineIsBusy() {
        rate.observe(0, 100, 1_000);
        rate.observe(2_000, 140, 1_000);

        assertThat(rate.perSecond()).hasValueCloseTo(20.0, within(1e-9));
    }

    @Test
    void anIdleLineTeachesNothing() {
        rate.observe(0, 100, 1_000);
        rate.observe(1_000, 150, 1_000);
        double learnt = rate.perSecond().orElseThrow();

        // The backlog ran out during this interval: 50 decided in one second says only "at least 50".
        rate.observe(2_000, 1_000, 1_000);
        // Nothing to do for a minute: the processor is idle, not slow.
        rate.observe(62_000, 1_000, 1_000);
        // Work arrives again.
        rate.observe(63_000, 1_000, 1_200);

        assertThat(rate.perSecond()).hasValueCloseTo(learnt, within(1e-9));
    }

    @Test
    void followsAChangeOfSpeedSmoothly() {
        long offset = 0;
        for (int second = 0; second <= 60; second++) {
            rate.observe(second * 1000L, offset, 1_000_000);
            offset += 10;
        }
        assertThat(rate.perSecond()).hasValueCloseTo(10.0, within(1e-6));

        rate.observe(61_000, offset + 20, 1_000_000);
        double afterOneFastSecond = rate.perSecond().orElseThrow();
        assertThat(afterOneFastSecond).isGreaterThan(10).isLessThan(15);

        for (int second = 62; second <= 120; second++) {
            offset += 30;
            rate.observe(second * 1000L, offset + 20, 1_000_000);
        }
        assertThat(rate.perSecond().orElseThrow()).isCloseTo(30, within(0.1));
    }

    @Test
    void confidenceGrowsWithTheHistoryBehindTheRate() {
        rate.observe(0, 0, 1_000_000);
        rate.observe(1_000, 10, 1_000_000);
        double early = rate.confidence();
        rate.observe(10_000, 100, 1_000_000);
        double half = rate.confidence();
        rate.observe(100_000, 1_000, 1_000_000);
        double late = rate.confidence();

        assertThat(early).isGreaterThan(0).isLessThan(half);
        assertThat(half).isCloseTo(0.5, within(1e-9));
        assertThat(late).isGreaterThan(0.9).isLessThan(1);
    }

    @Test
    void aGroupResetForgetsTheOldSpeed() {
        rate.observe(0, 1_000, 5_000);
        rate.observe(1_000, 1_100, 5_000);
        assertThat(rate.perSecond()).isPresent();

        rate.observe(2_000, 0, 5_000);

        assertThat(rate.perSecond()).isEmpty();
        assertThat(rate.confidence()).isZero();
    }
}
