package io.spillway.operations.scaling;

import java.util.List;
import java.util.OptionalLong;

/**
 * KEDA's Kafka scaler ({@code pkg/scalers/kafka_scaler.go}), reduced to its arithmetic: from the
 * partitions' latest and committed offsets to the metric the HPA sees and the activity KEDA uses
 * for 0↔1. Only one topic and one group, no {@code excludePersistentLag} and no
 * {@code allowIdleConsumers}: Spillway's ScaledObject uses neither.
 */
public final class KafkaLagScaler {

    /** What the consumer does when its group has no committed offset ({@code offsetResetPolicy}). */
    public enum OffsetResetPolicy { LATEST, EARLIEST }

    /**
     * The trigger's metadata.
     *
     * @param lagThreshold the {@code AverageValue} target: lag one replica is expected to carry
     * @param activationLagThreshold total lag above which the scaler is active (0 → 1 replica)
     * @param limitToPartitionsWithLag cap the metric at the partitions that have lag, not all of them
     * @param offsetResetPolicy how a partition without a committed offset is counted
     * @param scaleToZeroOnInvalidOffset count a partition without a committed offset as no lag
     */
    public record Settings(long lagThreshold, long activationLagThreshold, boolean limitToPartitionsWithLag,
            OffsetResetPolicy offsetResetPolicy, boolean scaleToZeroOnInvalidOffset) {
        public Settings {
            if (lagThreshold < 1) {
                throw new IllegalArgumentException("lagThreshold must be at least 1");
            }
            if (activationLagThreshold < 0) {
                throw new IllegalArgumentException("activationLagThreshold must not be negative");
            }
        }

        /** The settings of Spillway's ScaledObject with another lag threshold. */
        public static Settings spillway(long lagThreshold, long activationLagThreshold) {
            return new Settings(lagThreshold, activationLagThreshold, true, OffsetResetPolicy.EARLIEST, false);
        }
    }

    /** One partition's offsets; {@code committed} is empty when the group never committed there. */
    public record PartitionOffsets(long latest, OptionalLong committed) {
        public static PartitionOffsets of(long latest, long committed) {
            return new PartitionOffsets(latest, OptionalLong.of(committed));
        }

        public static PartitionOffsets uncommitted(long latest) {
            return new PartitionOffsets(latest, OptionalLong.empty());
        }
    }

    /**
     * What one read of the scaler gives.
     *
     * @param metric the value handed to the HPA (total lag, possibly capped)
     * @param totalLag the lag before the cap
     * @param partitionsWithLag partitions whose lag is above zero
     * @param active whether the total lag is above {@code activationLagThreshold}
     */
    public record Reading(long metric, long totalLag, int partitionsWithLag, boolean active) {}

    private final Settings settings;

    public KafkaLagScaler(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** {@code getLagForPartition}: latest − committed, with KEDA's rules for a partition never committed. */
    public long partitionLag(PartitionOffsets offsets) {
        if (offsets.committed().isEmpty()) {
            if (settings.scaleToZeroOnInvalidOffset()) {
                return 0;
            }
            // KEDA counts the whole partition (the latest offset, not latest − earliest) under
            // "earliest", and one record under "latest" so that the group is still started.
            return settings.offsetResetPolicy() == OffsetResetPolicy.LATEST ? 1 : offsets.latest();
        }
        return offsets.latest() - offsets.committed().getAsLong();
    }

    /**
     * {@code getTotalLag} and the activity check. The cap compares {@code totalLag / lagThreshold}
     * (integer division) with the bound, so a lag of up to {@code (bound + 1) × lagThreshold − 1}
     * passes uncapped and the HPA's ceil asks for bound + 1 replicas: KEDA's off-by-one, kept here.
     */
    public Reading read(List<PartitionOffsets> partitions) {
        long total = 0;
        int withLag = 0;
        for (PartitionOffsets partition : partitions) {
            long lag = partitionLag(partition);
            total += lag;
            if (lag > 0) {
                withLag++;
            }
        }
        long upperBound = settings.limitToPartitionsWithLag() ? withLag : partitions.size();
        long metric = total;
        if (total / settings.lagThreshold() > upperBound) {
            metric = upperBound * settings.lagThreshold();
        }
        return new Reading(metric, total, withLag, total > settings.activationLagThreshold());
    }
}
