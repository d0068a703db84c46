package io.spillway.processor.intake;

import io.spillway.processor.OpeningProperties;
import io.spillway.processor.store.OpeningStep;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.stereotype.Component;

/**
 * When a consumer of {@code orders.requested} runs its {@link OpeningStep}, and how far each of its
 * lines has read: the two things the draw waits for (docs/opening.md).
 *
 * <p>How far a line has read is {@link LineWatermarks}' rule; the broker is asked for a line's end only
 * for a line whose opening waits on it, at most every {@link #INTERVAL}.
 *
 * <p>Like the hold step: between two polls at most every {@link #INTERVAL}, at once again while the
 * last step was full, and full steps in a row while the container is idle. A failed step is logged
 * and tried again; it never fails the poll. Per consumer thread (each has its own lines and consumer).
 */
@Component
class OpeningSteps {

    static final Duration INTERVAL = Duration.ofMillis(250);
    private static final int IDLE_STEPS = 10;
    private static final Logger log = LoggerFactory.getLogger(OpeningSteps.class);

    private final OpeningStep step;
    private final LineWatermarks watermarks;
    private final ThreadLocal<long[]> next = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});

    OpeningSteps(OpeningStep step, OpeningProperties settings, Clock clock) {
        this.step = step;
        this.watermarks = new LineWatermarks(clock, settings.clockSkew());
    }

    /** What a poll read, before its transaction: how far each line has read. */
    void read(List<ConsumerRecord<byte[], byte[]>> records) {
        watermarks.read(records);
    }

    void stepIfDue(Consumer<?, ?> consumer, Collection<TopicPartition> assignment) {
        step(consumer, assignment);
    }

    private boolean step(Consumer<?, ?> consumer, Collection<TopicPartition> assignment) {
        long[] due = next.get();
        long now = System.nanoTime();
        if (due[0] != Long.MIN_VALUE && now - due[0] < 0) {
            return false;
        }
        List<Integer> lines = assignment.stream().map(TopicPartition::partition).toList();
        boolean full = false;
        try {
            Map<Integer, TopicPartition> partitions = new HashMap<>();
            assignment.forEach(tp -> partitions.put(tp.partition(), tp));
            full = step.run(lines, (line, instant) -> watermarks.seenThrough(consumer, partitions.get(line), instant))
                    .full();
        } catch (RuntimeException e) {
            log.warn("the opening step of lines {} failed; trying again at the next turn", lines, e);
        }
        due[0] = full ? now : now + INTERVAL.toNanos();
        return full;
    }

    /** No orders came for a while: the opening still happens on time. */
    @EventListener
    void onIdle(ListenerContainerIdleEvent idle) {
        String id = idle.getListenerId();
        if (id.equals(OrderRequestListener.ID) || id.matches(OrderRequestListener.ID + "-\\d+")) {
            Collection<TopicPartition> lines = idle.getTopicPartitions() == null ? List.of() : idle.getTopicPartitions();
            for (int i = 0; i < IDLE_STEPS && step(idle.getConsumer(), lines); i++) {
                // the next step
            }
        }
    }
}
