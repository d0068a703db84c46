package io.spillway.processor.intake;

import io.spillway.processor.ProcessorProperties;
import io.spillway.processor.operations.DecisionMetrics;
import io.spillway.processor.store.HoldStep;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.stereotype.Component;

/**
 * When a consumer of {@code orders.requested} runs its {@link HoldStep}: between two polls, at most
 * every {@link #INTERVAL} while the last step was not full, and when the container says it is idle (its
 * idle interval is as short), then full steps in a row. The lines are the partitions the consumer owns:
 * no other thread changes their items meanwhile.
 *
 * <p>After a full step more holds are due. Without a backlog of orders the next step runs at the next
 * turn. With one (the last poll was full) the steps take at most {@code spillway.processor.hold-share}
 * of the thread: after a full step that took t, the next waits t &times; (1 &minus; share) / share, so
 * the polls in between keep deciding new orders. Unless the holds are late: once the newest deadline a
 * full step read is more than {@code spillway.processor.hold-late-after} behind, steps and polls
 * alternate until the holds catch up, so that a long backlog of holds is not stretched further. Alternating a step and a poll (share 1) gave the steps
 * about two thirds of the thread and new orders a third of their rate (docs/benchmarks/holds.md).
 *
 * <p>A failed step is logged and tried again at the next turn; it never fails the poll. An outage of
 * the database fails the poll's own transaction, which the circuit and the error handler handle.
 *
 * <p>Limits: per consumer thread (each has its own line state); a poll that takes long delays the step
 * by as much. A backlog of holds ends at most at share &divide; (the thread time of one release) per
 * second while orders wait.
 */
@Component
class HoldSteps {

    static final Duration INTERVAL = Duration.ofMillis(250);

    /** Full steps in a row while idle, before the container polls again. */
    private static final int IDLE_STEPS = 10;

    private static final Logger log = LoggerFactory.getLogger(HoldSteps.class);

    private final HoldStep step;
    private final DecisionMetrics metrics;
    private final double share;
    private final Duration lateAfter;
    private final int fullPoll;
    private final ThreadLocal<long[]> next = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});

    HoldSteps(
            HoldStep step,
            DecisionMetrics metrics,
            ProcessorProperties settings,
            @Value("${spring.kafka.consumer.max-poll-records:500}") int maxPollRecords) {
        this.step = step;
        this.metrics = metrics;
        this.share = settings.holdShare();
        this.lateAfter = settings.holdLateAfter();
        this.fullPoll = maxPollRecords;
    }

    /** Between two polls: one step at most, and while orders wait, within the steps' share of the thread. */
    void stepIfDue(Collection<TopicPartition> assignment, int polled) {
        step(assignment, polled >= fullPoll);
    }

    /** Runs a step if one is due; returns whether it was full. */
    private boolean step(Collection<TopicPartition> assignment, boolean backlog) {
        long[] due = next.get();
        long now = System.nanoTime();
        if (due[0] != Long.MIN_VALUE && now - due[0] < 0) {
            return false;
        }
        List<Integer> lines = assignment.stream().map(TopicPartition::partition).toList();
        boolean full = false;
        boolean late = false;
        try {
            HoldStep.Outcome outcome = step.run(lines);
            full = outcome.full();
            late = outcome.behind().compareTo(lateAfter) > 0;
        } catch (RuntimeException e) {
            log.warn("the hold step of lines {} failed; trying again at the next turn", lines, e);
        }
        long end = System.nanoTime();
        metrics.holdStage(end - now);
        if (!full) {
            due[0] = now + INTERVAL.toNanos();
        } else if (backlog && share < 1 && !late) {
            due[0] = end + (long) ((end - now) * (1 - share) / share);
        } else {
            due[0] = end;
        }
        return full;
    }

    /** No orders came for a while: the holds still end on time. */
    @EventListener
    void onIdle(ListenerContainerIdleEvent idle) {
        String id = idle.getListenerId();
        if (id.equals(OrderRequestListener.ID) || id.matches(OrderRequestListener.ID + "-\\d+")) {
            // No order waits: full steps follow each other at once, a bounded number per idle turn.
            Collection<TopicPartition> lines = idle.getTopicPartitions() == null ? List.of() : idle.getTopicPartitions();
            for (int i = 0; i < IDLE_STEPS && step(lines, false); i++) {
                // the next step
            }
        }
    }
}
