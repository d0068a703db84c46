package io.spillway.operations.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpillwayScalingTest {

    @Test
    void theDeployedLagThresholdIsTheOneTheSimulatorChoosesForTheThroughputItWasChosenWith() {
        assertThat(SaleDaySimulation.chooseLagThreshold(
                SpillwayScaling.PROCESSOR_ORDERS_PER_SECOND_PER_REPLICA, 20, 3))
                .isEqualTo(SpillwayScaling.LAG_THRESHOLD);
        assertThat(SpillwayScaling.ACTIVATION_LAG_THRESHOLD)
                .isEqualTo((long) SpillwayScaling.PROCESSOR_ORDERS_PER_SECOND_PER_REPLICA);
    }

    @Test
    void theAcceptanceSpikeScalesOutWithinThePartitionCountAndDrainsWithinAMinute() {
        ScalingSimulator.Result result = SaleDaySimulation.run(
                SpillwayScaling.PROCESSOR_ORDERS_PER_SECOND_PER_REPLICA, 20, 3, SpillwayScaling.LAG_THRESHOLD,
                300_000, java.util.Optional.empty(), 1);
        assertThat(result.peakReplicas()).isGreaterThan(1).isLessThanOrEqualTo(SpillwayScaling.MAX_REPLICAS);
        assertThat(result.drainSeconds()).hasValueSatisfying(d -> assertThat(d).isLessThan(60));
    }
}
