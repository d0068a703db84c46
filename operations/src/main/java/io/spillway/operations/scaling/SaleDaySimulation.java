package io.spillway.operations.scaling;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command behind the plot and the threshold table in docs/operations.md:
 *
 * <pre>
 * java -cp operations/target/classes io.spillway.operations.scaling.SaleDaySimulation \
 *     --per-replica-orders-per-second N [--pod-start-seconds 20] [--rebalance-pause-seconds 3] [--png docs/x.png]
 * </pre>
 *
 * The per-replica throughput has no default on purpose: it is the processor benchmark's figure and
 * must be given, so a changed benchmark is a changed command line, not a silently stale constant.
 */
public final class SaleDaySimulation {

    static final long SPIKE_ORDERS = 300_000;
    static final double SPIKE_RATE = 30_000;
    static final long SMALL_SPIKE_ORDERS = 60_000;
    static final long[] THRESHOLDS = {1_000, 2_500, 5_000, 10_000, 25_000, 50_000};
    static final long RUN_SECONDS = 480;

    private SaleDaySimulation() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        if (!options.containsKey("per-replica-orders-per-second")) {
            System.err.println("--per-replica-orders-per-second is required (the processor benchmark's figure)");
            System.exit(2);
        }
        double perReplica = Double.parseDouble(options.get("per-replica-orders-per-second"));
        int podStart = Integer.parseInt(options.getOrDefault("pod-start-seconds", "20"));
        int pause = Integer.parseInt(options.getOrDefault("rebalance-pause-seconds", "3"));
        Path png = Path.of(options.getOrDefault("png", "docs/operations-spike-300k.png"));

        System.out.printf("per replica %,.0f orders/s, pod start %d s, rebalance pause %d s, partitions %d%n%n",
                perReplica, podStart, pause, SpillwayScaling.MAX_REPLICAS);
        System.out.println("| lagThreshold | 300k spike: drain s | peak replicas | replica-s | 60k spike: drain s | peak replicas | replica-s |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (long threshold : THRESHOLDS) {
            ScalingSimulator.Result big = run(perReplica, podStart, pause, threshold, SPIKE_ORDERS, Optional.empty(), 1);
            ScalingSimulator.Result small = run(perReplica, podStart, pause, threshold, SMALL_SPIKE_ORDERS, Optional.empty(), 1);
            System.out.printf("| %,d | %s | %d | %,.0f | %s | %d | %,.0f |%n", threshold, drain(big), big.peakReplicas(),
                    big.replicaSeconds(), drain(small), small.peakReplicas(), small.replicaSeconds());
        }
        long chosen = chooseLagThreshold(perReplica, podStart, pause);
        System.out.printf("%nchosen lagThreshold: %,d (the largest whose 300k drain is within 5 %% of the best)%n", chosen);
        CronFloor prewarm = new CronFloor(0, RUN_SECONDS, SpillwayScaling.PREWARM_REPLICAS);
        ScalingSimulator.Result warm = run(perReplica, podStart, pause, SpillwayScaling.LAG_THRESHOLD, SPIKE_ORDERS,
                Optional.of(prewarm), SpillwayScaling.PREWARM_REPLICAS);
        double ideal = SPIKE_ORDERS / (perReplica * SpillwayScaling.MAX_REPLICAS);
        double single = SPIKE_ORDERS / perReplica;
        System.out.printf("%npre-warmed to %d (cron): drain %s s%n", SpillwayScaling.PREWARM_REPLICAS, drain(warm));
        System.out.printf("benchmark-implied drain: %,.0f s with %d replicas from the start, %,.0f s with one%n",
                ideal, SpillwayScaling.MAX_REPLICAS, single);

        List<Plot.Series> series = new ArrayList<>();
        // The deployed threshold next to the most eager one, to show what a lower threshold would buy.
        for (long threshold : new long[] {SpillwayScaling.LAG_THRESHOLD, THRESHOLDS[0]}) {
            ScalingSimulator.Result r = run(perReplica, podStart, pause, threshold, SPIKE_ORDERS, Optional.empty(), 1);
            series.add(new Plot.Series(String.format("lagThreshold %,d from 1 replica: drained in %s s", threshold, drain(r)),
                    r.samples()));
        }
        series.add(new Plot.Series(String.format("lagThreshold %,d, cron pre-warm 12: drained in %s s",
                SpillwayScaling.LAG_THRESHOLD, drain(warm)), warm.samples()));
        Plot.write(png, String.format("300,000 orders at 30,000/s; %,.0f orders/s per replica, pod start %d s",
                perReplica, podStart), series);
        System.out.println("wrote " + png);
    }

    /**
     * The largest threshold that drains the 300,000-order spike within 5 % of the fastest threshold:
     * a larger threshold starts fewer pods for a middling backlog that one pod drains about as fast
     * as new pods could start, but past this point it slows the sale's real spike down.
     */
    static long chooseLagThreshold(double perReplica, int podStart, int pause) {
        long best = Long.MAX_VALUE;
        long[] drains = new long[THRESHOLDS.length];
        for (int i = 0; i < THRESHOLDS.length; i++) {
            drains[i] = run(perReplica, podStart, pause, THRESHOLDS[i], SPIKE_ORDERS, Optional.empty(), 1)
                    .drainSeconds().orElse(Long.MAX_VALUE / 2);
            best = Math.min(best, drains[i]);
        }
        long chosen = THRESHOLDS[0];
        for (int i = 0; i < THRESHOLDS.length; i++) {
            if (drains[i] <= best * 1.05) {
                chosen = THRESHOLDS[i];
            }
        }
        return chosen;
    }

    static ScalingSimulator.Result run(double perReplica, int podStart, int pause, long threshold, long orders,
            Optional<CronFloor> cron, int initialReplicas) {
        ScalingSimulator.Workload workload = ScalingSimulator.Workload.even(SpillwayScaling.MAX_REPLICAS,
                SpikeProfile.block(0, orders, SPIKE_RATE), perReplica, podStart, pause);
        return new ScalingSimulator(workload, SpillwayScaling.autoscaling(threshold, cron)).run(RUN_SECONDS, initialReplicas);
    }

    private static String drain(ScalingSimulator.Result result) {
        return result.drainSeconds().map(String::valueOf).orElse("> " + RUN_SECONDS);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
