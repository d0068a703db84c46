package io.spillway.notifier.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DecisionRateTest {

    private final DecisionRate rate = new DecisionRate();

    @Test
    void knowsNothingBeforeEnoughBusyTime() {
        assertThat(rate.perSecond()).isEmpty();
        assertThat(rate.confidence()).isZero();

        rate.observe(0, 100, 500);
        rate.observe(1_000, 110, 500);

        // One busy second is below the least a window needs.
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
        rate.observe(2_000, 150, 1_000);
        double learnt = rate.perSecond().orElseThrow();

        // The backlog ran out during this interval: 850 decided in one second says only "at least 850".
        rate.observe(3_000, 1_000, 1_000);
        // Nothing to do for half a minute: the processor is idle, not slow.
        rate.observe(33_000, 1_000, 1_000);
        // Work arrives again.
        rate.observe(34_000, 1_000, 1_200);

        assertThat(rate.perSecond()).hasValueCloseTo(learnt, within(1e-9));
    }

    @Test
    void weighsTheLastMinuteMostButRemembersFifteen() {
        long offset = 0;
        // Ten minutes at 10 a second...
        for (int second = 0; second <= 600; second++) {
            rate.observe(second * 1000L, offset, 100_000_000);
            offset += 10;
        }
        assertThat(rate.perSecond()).hasValueCloseTo(10.0, within(1e-6));
        double steady = rate.confidence();
        offset -= 10;

        // ...then one minute at 30 a second.
        for (int second = 601; second <= 660; second++) {
            offset += 30;
            rate.observe(second * 1000L, offset, 100_000_000);
        }
        // 1 min: 30/s, 5 min: (240*10+60*30)/300 = 14/s, 15 min (11 min seen): (600*10+60*30)/660.
        double fifteen = (600 * 10.0 + 60 * 30.0) / 660;
        double expected = 0.6 * 30 + 0.3 * 14 + 0.1 * fifteen;
        assertThat(rate.perSecond()).hasValueCloseTo(expected, within(0.05));
        // The windows disagree now: the speed just changed, the estimate is less sure.
        assertThat(rate.confidence()).isLessThan(steady / 2);
    }

    @Test
    void forgetsWhatIsOlderThanFifteenMinutes() {
        rate.observe(0, 0, 100_000_000);
        rate.observe(10_000, 1_000, 100_000_000);
        assertThat(rate.perSecond()).hasValueCloseTo(100.0, within(1e-9));

        // A stalled hour later, nothing of the old speed is left: the line is not moving.
        rate.observe(3_600_000, 1_000, 100_000_000);
        rate.observe(3_610_000, 1_000, 100_000_000);

        assertThat(rate.perSecond()).hasValueCloseTo(0.0, within(1e-9));
        assertThat(rate.confidence()).isZero();
    }

    @Test
    void confidenceGrowsWithTheHistoryBehindASteadyRate() {
        long offset = 0;
        rate.observe(0, 0, 100_000_000);
        double[] at = new double[3];
        int[] checkpoints = {5, 30, 600};
        int next = 0;
        for (int second = 1; second <= 600; second++) {
            offset += 10;
            rate.observe(second * 1000L, offset, 100_000_000);
            if (second == checkpoints[next]) {
                at[next++] = rate.confidence();
            }
        }

        assertThat(at[0]).isGreaterThan(0).isLessThan(at[1]);
        // Thirty busy seconds give one half.
        assertThat(at[1]).isCloseTo(0.5, within(1e-9));
        assertThat(at[2]).isGreaterThan(0.9).isLessThan(1);
    }

    @Test
    void aGroupResetForgetsTheOldSpeed() {
        rate.observe(0, 1_000, 5_000);
        rate.observe(2_000, 1_100, 5_000);
        assertThat(rate.perSecond()).isPresent();

        rate.observe(3_000, 0, 5_000);

        assertThat(rate.perSecond()).isEmpty();
        assertThat(rate.confidence()).isZero();
    }
}
