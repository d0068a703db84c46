package io.spillway.operations.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.operations.scaling.ScalingSimulator.Autoscaling;
import io.spillway.operations.scaling.ScalingSimulator.Result;
import io.spillway.operations.scaling.ScalingSimulator.Sample;
import io.spillway.operations.scaling.ScalingSimulator.Workload;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScalingSimulatorTest {

    private static final double PER_REPLICA = 1_000;

    private static Autoscaling autoscaling(int minReplicas, long threshold, long activation, Optional<CronFloor> cron) {
        return new Autoscaling(KafkaLagScaler.Settings.spillway(threshold, activation), minReplicas, 12,
                SpillwayScaling.behavior(), cron, 15, 300);
    }

    private static int replicasAt(Result result, long second) {
        return result.samples().get((int) second).replicas();
    }

    @Test
    void staysAtZeroBelowTheActivationThresholdAndStartsOneReplicaAboveIt() {
        Workload below = Workload.even(12, SpikeProfile.block(1, 400, 1_000), PER_REPLICA, 0, 0);
        Result idle = new ScalingSimulator(below, autoscaling(0, 5_000, 500, Optional.empty())).run(120, 0);
        assertThat(idle.peakReplicas()).isZero();
        assertThat(idle.samples().getLast().lag()).isEqualTo(400);

        Workload above = Workload.even(12, SpikeProfile.block(1, 600, 1_000), PER_REPLICA, 0, 0);
        Result woken = new ScalingSimulator(above, autoscaling(0, 5_000, 500, Optional.empty())).run(120, 0);
        assertThat(replicasAt(woken, 14)).isZero();
        assertThat(replicasAt(woken, 15)).isEqualTo(1);
        assertThat(woken.samples().getLast().lag()).isZero();
    }

    @Test
    void scalesToZeroOnlyAfterTheCooldownOnceInactive() {
        Workload workload = Workload.even(12, SpikeProfile.block(1, 600, 1_000), PER_REPLICA, 0, 0);
        Result result = new ScalingSimulator(workload, autoscaling(0, 5_000, 500, Optional.empty())).run(600, 0);
        // Active at the 15 s read, drained before the 30 s read: zero from 15 + 300 s on.
        assertThat(replicasAt(result, 314)).isEqualTo(1);
        assertThat(replicasAt(result, 315)).isZero();
    }

    @Test
    void aSpikeScalesToThePartitionCountAndDrainsFasterThanOneReplica() {
        Workload workload = Workload.even(12, SpikeProfile.block(0, 300_000, 30_000), PER_REPLICA, 20, 3);
        Result scaled = new ScalingSimulator(workload, autoscaling(1, 5_000, 500, Optional.empty())).run(600, 1);
        assertThat(scaled.peakReplicas()).isEqualTo(12);
        assertThat(scaled.peakLag()).isGreaterThan(250_000);
        // One replica alone needs 300 s; scaled, the 12 pods consume from 15 + 20 s, then 12,000/s.
        assertThat(scaled.drainSeconds()).hasValueSatisfying(d -> assertThat(d).isBetween(50L, 70L));
    }

    @Test
    void theCronFloorPrewarmsWithoutLagAndHoldsUntilTheStabilizationWindowEnds() {
        Workload quiet = Workload.even(12, SpikeProfile.steady(0), PER_REPLICA, 0, 0);
        CronFloor floor = new CronFloor(60, 120, 6);
        Result result = new ScalingSimulator(quiet, autoscaling(1, 5_000, 500, Optional.of(floor))).run(600, 1);
        assertThat(replicasAt(result, 59)).isEqualTo(1);
        assertThat(replicasAt(result, 60)).isEqualTo(6);
        // The last recommendation of 6 is at 105 s; scale-down starts 300 s later, one pod a minute.
        assertThat(replicasAt(result, 404)).isEqualTo(6);
        assertThat(replicasAt(result, 405)).isEqualTo(5);
        assertThat(replicasAt(result, 464)).isEqualTo(5);
        assertThat(replicasAt(result, 465)).isEqualTo(4);
    }

    @Test
    void aPrewarmedGroupDrainsAtTheArrivalRate() {
        Workload workload = Workload.even(12, SpikeProfile.block(0, 300_000, 30_000), 2_500, 20, 3);
        Result warm = new ScalingSimulator(workload,
                autoscaling(1, 5_000, 500, Optional.of(new CronFloor(0, 600, 12)))).run(600, 12);
        assertThat(warm.drainSeconds()).contains(10L);
        assertThat(warm.samples().stream().mapToInt(Sample::replicas).min().orElseThrow()).isEqualTo(12);
    }

    @Test
    void oneHotItemIsOnePartitionAndOneReplicaWhateverTheLag() {
        double[] weights = new double[12];
        weights[5] = 1;
        Workload hot = new Workload(12, weights, SpikeProfile.block(0, 60_000, 30_000), PER_REPLICA, 0, 0);
        Result result = new ScalingSimulator(hot, autoscaling(1, 5_000, 500, Optional.empty())).run(120, 1);
        assertThat(result.peakReplicas()).isEqualTo(1);
        assertThat(result.drainSeconds()).contains(60L);
    }

    @Test
    void anAddedConsumerPausesTheGroupForTheRebalance() {
        Workload paused = Workload.even(12, SpikeProfile.block(0, 120_000, 30_000), PER_REPLICA, 5, 10);
        Workload unpaused = Workload.even(12, SpikeProfile.block(0, 120_000, 30_000), PER_REPLICA, 5, 0);
        Result slow = new ScalingSimulator(paused, autoscaling(1, 5_000, 500, Optional.empty())).run(300, 1);
        Result fast = new ScalingSimulator(unpaused, autoscaling(1, 5_000, 500, Optional.empty())).run(300, 1);
        assertThat(slow.drainSeconds().orElseThrow()).isEqualTo(fast.drainSeconds().orElseThrow() + 10);
    }
}
