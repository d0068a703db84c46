package io.spillway.operations.scaling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Replays a spike against the order-processor as KEDA and the HPA would scale it: one-second steps
 * of arrivals and consumption, a scaler read and an HPA sync every {@code syncSeconds}, pods that
 * consume only {@code podStartSeconds} after they are asked for, and a pause of every consumer
 * while the group rebalances after a member joins or leaves.
 *
 * <p>Limits: a replica's throughput is one number ({@link Workload#perReplicaOrdersPerSecond}),
 * shared by water-filling across its partitions; the committed offset follows consumption exactly
 * (the processor commits per batch); partitions are assigned round-robin. The database is assumed
 * not to be the bottleneck: beyond the throughput the benchmark measured with N replicas, more
 * replicas do not add capacity in reality, and the simulator would not know.
 */
public final class ScalingSimulator {

    /**
     * What arrives and how fast one replica decides it.
     *
     * @param partitions partitions of {@code orders.requested}
     * @param partitionWeights share of the arrivals per partition (even when empty); one hot item
     *        is one partition
     * @param arrivals the spike
     * @param perReplicaOrdersPerSecond orders one processor replica decides per second: the figure
     *        of the processor benchmark (see docs/operations.md for where it comes from)
     * @param podStartSeconds from the HPA's decision to a new pod consuming (scheduling, JVM and
     *        Spring start, readiness, joining the group)
     * @param rebalancePauseSeconds seconds every consumer stops while the group rebalances
     */
    public record Workload(int partitions, double[] partitionWeights, SpikeProfile arrivals,
            double perReplicaOrdersPerSecond, int podStartSeconds, int rebalancePauseSeconds) {
        public Workload {
            if (partitions < 1 || perReplicaOrdersPerSecond <= 0 || podStartSeconds < 0 || rebalancePauseSeconds < 0) {
                throw new IllegalArgumentException("invalid workload");
            }
            if (partitionWeights.length == 0) {
                partitionWeights = new double[partitions];
                Arrays.fill(partitionWeights, 1.0 / partitions);
            } else if (partitionWeights.length != partitions) {
                throw new IllegalArgumentException("one weight per partition");
            } else {
                double sum = Arrays.stream(partitionWeights).sum();
                partitionWeights = Arrays.stream(partitionWeights).map(w -> w / sum).toArray();
            }
        }

        public static Workload even(int partitions, SpikeProfile arrivals, double perReplicaOrdersPerSecond,
                int podStartSeconds, int rebalancePauseSeconds) {
            return new Workload(partitions, new double[0], arrivals, perReplicaOrdersPerSecond, podStartSeconds,
                    rebalancePauseSeconds);
        }
    }

    /**
     * The ScaledObject.
     *
     * @param minReplicas {@code minReplicaCount}; 0 lets KEDA scale to zero when nothing is active
     * @param cooldownSeconds {@code cooldownPeriod}: inactive this long before KEDA goes to zero
     */
    public record Autoscaling(KafkaLagScaler.Settings scaler, int minReplicas, int maxReplicas,
            HorizontalPodAutoscaler.Behavior behavior, Optional<CronFloor> cron, int syncSeconds, int cooldownSeconds) {
        public Autoscaling {
            if (minReplicas < 0 || maxReplicas < Math.max(1, minReplicas) || syncSeconds < 1) {
                throw new IllegalArgumentException("invalid autoscaling");
            }
        }
    }

    /** One second of the run. */
    public record Sample(long second, double arrivals, long lag, int replicas, int consuming) {}

    /**
     * The run.
     *
     * @param drainSeconds from the start of the first arrival's second to the end of the first
     *        second that ends with no lag and no more arrivals; empty when it never drained
     */
    public record Result(List<Sample> samples, Optional<Long> drainSeconds, long peakLag, int peakReplicas,
            double replicaSeconds) {}

    private final Workload workload;
    private final Autoscaling autoscaling;

    public ScalingSimulator(Workload workload, Autoscaling autoscaling) {
        this.workload = workload;
        this.autoscaling = autoscaling;
    }

    public Result run(long seconds, int initialReplicas) {
        int partitions = workload.partitions();
        double[] produced = new double[partitions];
        double arrived = 0;
        double[] consumed = new double[partitions];
        long[] committedOnce = new long[partitions];
        Arrays.fill(committedOnce, -1);
        KafkaLagScaler scaler = new KafkaLagScaler(autoscaling.scaler());
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(Math.max(1, autoscaling.minReplicas()),
                autoscaling.maxReplicas(), autoscaling.behavior());

        // Each pod is the second from which it consumes; the list is the Deployment's replicas.
        List<Long> pods = new ArrayList<>();
        for (int i = 0; i < initialReplicas; i++) {
            pods.add(0L);
        }
        int consumingBefore = initialReplicas;
        long pausedUntil = 0;
        long lastActive = Long.MIN_VALUE / 2;
        long firstArrival = -1;
        long lastArrival = -1;
        Optional<Long> drained = Optional.empty();
        long peakLag = 0;
        int peakReplicas = pods.size();
        double replicaSeconds = 0;
        List<Sample> samples = new ArrayList<>();

        for (long second = 0; second < seconds; second++) {
            final long t = second;
            if (t % autoscaling.syncSeconds() == 0) {
                List<KafkaLagScaler.PartitionOffsets> offsets = new ArrayList<>(partitions);
                for (int p = 0; p < partitions; p++) {
                    long latest = (long) Math.floor(produced[p]);
                    offsets.add(committedOnce[p] < 0 && consumed[p] == 0
                            ? KafkaLagScaler.PartitionOffsets.uncommitted(latest)
                            : KafkaLagScaler.PartitionOffsets.of(latest, (long) Math.floor(consumed[p])));
                }
                KafkaLagScaler.Reading reading = scaler.read(offsets);
                boolean cronActive = autoscaling.cron().map(c -> c.active(t)).orElse(false);
                boolean active = reading.active() || cronActive;
                if (active) {
                    lastActive = t;
                }
                int target = scale(t, pods.size(), reading, active, lastActive, hpa);
                while (pods.size() < target) {
                    pods.add(t + workload.podStartSeconds());
                }
                while (pods.size() > target) {
                    pods.remove(pods.size() - 1);
                }
            }
            int consuming = (int) pods.stream().filter(start -> start <= t).count();
            if (consuming != consumingBefore) {
                pausedUntil = t + workload.rebalancePauseSeconds();
                consumingBefore = consuming;
            }

            double arriving = workload.arrivals().ordersDuring(t);
            if (arriving > 0) {
                if (firstArrival < 0) {
                    firstArrival = t;
                }
                lastArrival = t;
            }
            arrived += arriving;
            distribute(arrived, produced);
            if (consuming > 0 && t >= pausedUntil) {
                consume(produced, consumed, committedOnce, consuming);
            }

            long lag = 0;
            for (int p = 0; p < partitions; p++) {
                lag += (long) Math.floor(produced[p]) - (long) Math.floor(consumed[p]);
            }
            peakLag = Math.max(peakLag, lag);
            peakReplicas = Math.max(peakReplicas, pods.size());
            replicaSeconds += pods.size();
            samples.add(new Sample(t, arriving, lag, pods.size(), consuming));
            if (drained.isEmpty() && firstArrival >= 0 && t >= lastArrival && lag == 0
                    && workload.arrivals().ordersDuring(t + 1) == 0) {
                // Counted to the end of this second, from the start of the first arrival's.
                drained = Optional.of(t + 1 - firstArrival);
            }
        }
        return new Result(samples, drained, peakLag, peakReplicas, replicaSeconds);
    }

    /** KEDA's part (0 ↔ 1, cooldown) around the HPA's part (1 ↔ max). */
    private int scale(long t, int current, KafkaLagScaler.Reading reading, boolean active, long lastActive,
            HorizontalPodAutoscaler hpa) {
        if (current == 0) {
            return active ? Math.max(1, autoscaling.minReplicas()) : 0;
        }
        if (!active && autoscaling.minReplicas() == 0 && t - lastActive >= autoscaling.cooldownSeconds()) {
            return 0;
        }
        List<Integer> proposals = new ArrayList<>();
        proposals.add(HorizontalPodAutoscaler.proposal(reading.metric(), autoscaling.scaler().lagThreshold(), current));
        autoscaling.cron().ifPresent(c -> proposals.add(HorizontalPodAutoscaler.proposal(c.metric(t), 1, current)));
        return hpa.sync(t, current, proposals);
    }

    /** Whole records per partition that add up to the whole records arrived, in the weights' shares. */
    private void distribute(double arrived, double[] produced) {
        double total = Math.floor(arrived);
        double cumulative = 0;
        double before = 0;
        for (int p = 0; p < produced.length; p++) {
            cumulative += workload.partitionWeights()[p];
            double upTo = p == produced.length - 1 ? total : Math.floor(total * cumulative + 1e-9);
            produced[p] = upTo - before;
            before = upTo;
        }
    }

    /** One second of consumption: each consumer water-fills its throughput over its partitions. */
    private void consume(double[] produced, double[] consumed, long[] committedOnce, int consumers) {
        for (int c = 0; c < consumers; c++) {
            List<Integer> owned = new ArrayList<>();
            for (int p = c; p < produced.length; p += consumers) {
                owned.add(p);
            }
            double budget = workload.perReplicaOrdersPerSecond();
            while (budget > 1e-9) {
                List<Integer> backlogged = owned.stream().filter(p -> produced[p] - consumed[p] > 1e-9).toList();
                if (backlogged.isEmpty()) {
                    break;
                }
                double share = budget / backlogged.size();
                for (int p : backlogged) {
                    double remaining = produced[p] - consumed[p];
                    double take = Math.min(share, remaining);
                    // Exactly the end of the partition when caught up, never a rounding error short of it.
                    consumed[p] = take >= remaining ? produced[p] : consumed[p] + take;
                    budget -= take;
                    committedOnce[p] = 1;
                }
            }
        }
    }
}
