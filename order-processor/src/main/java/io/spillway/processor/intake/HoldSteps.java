package io.spillway.processor.intake;

import io.spillway.processor.operations.DecisionMetrics;
import io.spillway.processor.store.HoldStep;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.stereotype.Component;

/**
 * When a consumer of {@code orders.requested} runs its {@link HoldStep}: between two polls, at most
 * every {@link #INTERVAL} (at once again while the last step was full, one step per poll so that
 * releases and new orders alternate), and when the container says it is idle (its idle interval is
 * as short), then full steps in a row. The lines are the partitions the consumer owns: no other
 * thread changes their items meanwhile.
 *
 * <p>A failed step is logged and tried again at the next turn; it never fails the poll. An outage of
 * the database fails the poll's own transaction, which the circuit and the error handler handle.
 *
 * <p>Limits: per consumer thread (each has its own line state); a poll that takes long delays the step
 * by as much.
 */
@Component
class HoldSteps {

    static final Duration INTERVAL = Duration.ofMillis(250);

    /** Full steps in a row while idle, before the container polls again. */
    private static final int IDLE_STEPS = 10;

    private static final Logger log = LoggerFactory.getLogger(HoldSteps.class);

    private final HoldStep step;
    private final DecisionMetrics metrics;
    private final ThreadLocal<long[]> next = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});

    HoldSteps(HoldStep step, DecisionMetrics metrics) {
        this.step = step;
        this.metrics = metrics;
    }

    /** Between two polls: one step at most, so that a backlog of holds and new orders alternate. */
    void stepIfDue(Collection<TopicPartition> assignment) {
        step(assignment);
    }

    /** Runs a step if one is due; returns whether it was full. */
    private boolean step(Collection<TopicPartition> assignment) {
        long[] due = next.get();
        long now = System.nanoTime();
        if (due[0] != Long.MIN_VALUE && now - due[0] < 0) {
            return false;
        }
        List<Integer> lines = assignment.stream().map(TopicPartition::partition).toList();
        boolean full = false;
        try {
            full = step.run(lines).full();
        } catch (RuntimeException e) {
            log.warn("the hold step of lines {} failed; trying again at the next turn", lines, e);
        }
        metrics.holdStage(System.nanoTime() - now);
        due[0] = full ? now : now + INTERVAL.toNanos();
        return full;
    }

    /** No orders came for a while: the holds still end on time. */
    @EventListener
    void onIdle(ListenerContainerIdleEvent idle) {
        String id = idle.getListenerId();
        if (id.equals(OrderRequestListener.ID) || id.matches(OrderRequestListener.ID + "-\\d+")) {
            // No order waits: full steps follow each other at once, a bounded number per idle turn.
            Collection<TopicPartition> lines = idle.getTopicPartitions() == null ? List.of() : idle.getTopicPartitions();
            for (int i = 0; i < IDLE_STEPS && step(lines); i++) {
                // the next step
            }
        }
    }
}
