package io.spillway.operations.scaling;

import io.spillway.operations.scaling.HorizontalPodAutoscaler.Behavior;
import io.spillway.operations.scaling.HorizontalPodAutoscaler.Policy;
import io.spillway.operations.scaling.HorizontalPodAutoscaler.PolicyType;
import io.spillway.operations.scaling.HorizontalPodAutoscaler.Rules;
import io.spillway.operations.scaling.HorizontalPodAutoscaler.SelectPolicy;
import java.util.List;
import java.util.Optional;

/**
 * The order-processor's autoscaling as {@code keda/order-processor-scaledobject.yaml} declares it.
 * The manifest test reads that file and fails when it and these constants part ways, so the
 * simulator always replays what is deployed.
 */
public final class SpillwayScaling {

    /**
     * Orders one processor replica decides per second, the figure the thresholds below were chosen
     * with: the processor benchmark's lowest measured figure, rounded down (where it comes from:
     * docs/operations.md, "Capacity planning"; the runs: docs/benchmarks/processor.md). Rerun
     * {@link SaleDaySimulation} with a new figure; {@code SpillwayScalingTest} then says which
     * thresholds to deploy.
     */
    public static final double PROCESSOR_ORDERS_PER_SECOND_PER_REPLICA = 9_000;
    /** {@link SaleDaySimulation#chooseLagThreshold} for the throughput above. */
    public static final long LAG_THRESHOLD = 50_000;
    /**
     * One second of one replica's work. With {@code minReplicaCount: 1} it does not gate scaling;
     * it makes the ScaledObject's Active condition mean "more than a second of backlog".
     */
    public static final long ACTIVATION_LAG_THRESHOLD = 9_000;
    public static final int MIN_REPLICAS = 1;
    /** The partitions of orders.requested; more consumers than partitions would sit idle. */
    public static final int MAX_REPLICAS = 12;
    public static final int COOLDOWN_SECONDS = 300;
    public static final int POLLING_SECONDS = 15;
    public static final int PREWARM_REPLICAS = 12;

    private SpillwayScaling() {}

    /** Fast up (to the partition count in one step), slow down (one pod a minute after 5 quiet minutes). */
    public static Behavior behavior() {
        return new Behavior(
                new Rules(0, SelectPolicy.MAX, List.of(new Policy(PolicyType.PODS, 12, 15), new Policy(PolicyType.PERCENT, 100, 15))),
                new Rules(300, SelectPolicy.MIN, List.of(new Policy(PolicyType.PODS, 1, 60))),
                false);
    }

    public static ScalingSimulator.Autoscaling autoscaling(long lagThreshold, Optional<CronFloor> prewarm) {
        return new ScalingSimulator.Autoscaling(
                KafkaLagScaler.Settings.spillway(lagThreshold, ACTIVATION_LAG_THRESHOLD),
                MIN_REPLICAS, MAX_REPLICAS, behavior(), prewarm, POLLING_SECONDS, COOLDOWN_SECONDS);
    }
}
