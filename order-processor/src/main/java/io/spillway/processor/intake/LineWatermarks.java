package io.spillway.processor.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer thread's lines (partitions) have read: what an opening's draw waits for
 * (docs/opening.md), for a sale's items and for a room alike. A line has read everything appended
 * until <i>t</i> when it has read a record stamped at or after <i>t</i> + skew (records of a partition
 * are read in append order; the stamp is the sender's time or the broker's append time, either within
 * the skew of the truth), or when its position reached the partition's end offset as asked at or
 * after <i>t</i> + skew on this host's clock.
 *
 * <p>Limits: per consumer thread (the stamps are thread-local); one instance per topic.
 */
public final class LineWatermarks {

    private final Clock clock;
    private final Duration clockSkew;
    /** Per line: the latest record stamp read (epoch ms). */
    private final ThreadLocal<Map<Integer, Long>> stamps = ThreadLocal.withInitial(HashMap::new);

    public LineWatermarks(Clock clock, Duration clockSkew) {
        this.clock = clock;
        this.clockSkew = clockSkew;
    }

    /** What a poll read, before its transaction. */
    public void read(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<Integer, Long> seen = stamps.get();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            seen.merge(record.partition(), record.timestamp(), Math::max);
        }
    }

    /** Whether the line has read every record appended until {@code instant}; may ask the broker for its end. */
    public boolean seenThrough(Consumer<?, ?> consumer, TopicPartition partition, Instant instant) {
        if (partition == null) {
            return false;
        }
        Long stamp = stamps.get().get(partition.partition());
        if (stamp != null && stamp >= instant.plus(clockSkew).toEpochMilli()) {
            return true;
        }
        Instant asked = clock.instant();
        if (asked.isBefore(instant.plus(clockSkew))) {
            return false;
        }
        // A quiet line: it has read everything once its position is the end offset, as asked now.
        Long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(1)).get(partition);
        return end != null && consumer.position(partition) >= end;
    }
}
