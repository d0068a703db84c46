package io.spillway.operations.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.operations.scaling.KafkaLagScaler.OffsetResetPolicy;
import io.spillway.operations.scaling.KafkaLagScaler.PartitionOffsets;
import io.spillway.operations.scaling.KafkaLagScaler.Settings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaLagScalerTest {

    private static KafkaLagScaler scaler(long threshold, long activation, boolean limitToPartitionsWithLag) {
        return new KafkaLagScaler(new Settings(threshold, activation, limitToPartitionsWithLag, OffsetResetPolicy.LATEST, false));
    }

    private static List<PartitionOffsets> partitions(int count, long lagEach) {
        List<PartitionOffsets> list = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            list.add(PartitionOffsets.of(1_000_000 + lagEach, 1_000_000));
        }
        return list;
    }

    @Test
    void lagOfACommittedPartitionIsLatestMinusCommitted() {
        assertThat(scaler(100, 0, false).partitionLag(PartitionOffsets.of(1_250, 1_000))).isEqualTo(250);
    }

    @Test
    void aPartitionNeverCommittedCountsOneUnderLatestAndTheLatestOffsetUnderEarliest() {
        PartitionOffsets never = PartitionOffsets.uncommitted(7_000);
        assertThat(new KafkaLagScaler(new Settings(100, 0, false, OffsetResetPolicy.LATEST, false)).partitionLag(never))
                .isEqualTo(1);
        assertThat(new KafkaLagScaler(new Settings(100, 0, false, OffsetResetPolicy.EARLIEST, false)).partitionLag(never))
                .isEqualTo(7_000);
    }

    @Test
    void scaleToZeroOnInvalidOffsetCountsANeverCommittedPartitionAsNoLag() {
        PartitionOffsets never = PartitionOffsets.uncommitted(7_000);
        for (OffsetResetPolicy policy : OffsetResetPolicy.values()) {
            assertThat(new KafkaLagScaler(new Settings(100, 0, false, policy, true)).partitionLag(never)).isZero();
        }
    }

    @Test
    void theMetricIsTheTotalLagWhileBelowThePartitionCap() {
        KafkaLagScaler.Reading reading = scaler(1_000, 0, false).read(partitions(12, 500));
        assertThat(reading.totalLag()).isEqualTo(6_000);
        assertThat(reading.metric()).isEqualTo(6_000);
        assertThat(reading.partitionsWithLag()).isEqualTo(12);
    }

    @Test
    void theMetricIsCappedAtPartitionsTimesThresholdOnceTheIntegerQuotientExceedsThePartitions() {
        // 12 partitions, threshold 1,000: a lag of 13,000 gives 13 > 12, capped to 12,000.
        KafkaLagScaler.Reading reading = scaler(1_000, 0, false).read(partitions(12, 13_000 / 12 + 1));
        assertThat(reading.totalLag()).isGreaterThanOrEqualTo(13_000);
        assertThat(reading.metric()).isEqualTo(12_000);
        assertThat(HorizontalPodAutoscaler.proposal(reading.metric(), 1_000, 1)).isEqualTo(12);
    }

    @Test
    void theCapsOffByOneLetsTheHpaAskForOneReplicaMoreThanThePartitions() {
        // 12,999 / 1,000 = 12 in integer division: not above 12, so not capped, and ceil gives 13.
        List<PartitionOffsets> offsets = new ArrayList<>(partitions(11, 1_000));
        offsets.add(PartitionOffsets.of(1_001_999, 1_000_000));
        KafkaLagScaler.Reading reading = scaler(1_000, 0, false).read(offsets);
        assertThat(reading.totalLag()).isEqualTo(12_999);
        assertThat(reading.metric()).isEqualTo(12_999);
        assertThat(HorizontalPodAutoscaler.proposal(reading.metric(), 1_000, 1)).isEqualTo(13);
    }

    @Test
    void limitToPartitionsWithLagCapsAtThePartitionsThatHaveLag() {
        List<PartitionOffsets> offsets = new ArrayList<>(partitions(9, 0));
        offsets.addAll(partitions(3, 50_000));
        KafkaLagScaler.Reading limited = scaler(1_000, 0, true).read(offsets);
        KafkaLagScaler.Reading unlimited = scaler(1_000, 0, false).read(offsets);
        assertThat(limited.partitionsWithLag()).isEqualTo(3);
        assertThat(limited.metric()).isEqualTo(3_000);
        assertThat(unlimited.metric()).isEqualTo(12_000);
    }

    @Test
    void oneHotPartitionScalesToOneReplicaWithLimitToPartitionsWithLag() {
        List<PartitionOffsets> offsets = new ArrayList<>(partitions(11, 0));
        offsets.add(PartitionOffsets.of(500_000, 0));
        KafkaLagScaler.Reading reading = scaler(5_000, 0, true).read(offsets);
        assertThat(HorizontalPodAutoscaler.proposal(reading.metric(), 5_000, 1)).isEqualTo(1);
    }

    @Test
    void activeOnlyWhenTheTotalLagIsAboveTheActivationThreshold() {
        KafkaLagScaler scaler = scaler(1_000, 600, false);
        assertThat(scaler.read(partitions(12, 50)).active()).isFalse(); // 600 is not above 600
        assertThat(scaler.read(partitions(12, 51)).active()).isTrue();
        assertThat(scaler(1_000, 0, false).read(partitions(12, 0)).active()).isFalse();
    }
}
