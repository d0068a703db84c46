package io.spillway.processor.publish;

import io.spillway.processor.ProcessorProperties;
import io.spillway.processor.operations.DecisionMetrics;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.stereotype.Component;

/**
 * Lets a consumer decide poll <i>n</i>+1 while the broker is still acknowledging the decisions of poll
 * <i>n</i>, and commits every poll's offsets only after the broker has all of its decisions, in poll
 * order.
 *
 * <p>Per consumer (each listener thread has its own line), at most one poll is in flight besides the
 * one in hand: before a poll's decisions are handed to the producer, the previous poll's are
 * {@linkplain Publication#complete completed} (waited for, refused ones sent again). So the records
 * in memory stay bounded by two polls, and a poll's offsets are never released before its
 * predecessor's. Releasing them queues them in the container, which commits them at its next turn
 * ({@code AckMode.MANUAL}).
 *
 * <p>Why this keeps exactly once: a poll's decisions are in PostgreSQL before it is published, and
 * its offsets are committed only after the broker took them. Whatever fails in between (the broker
 * refusing, a crash, a rebalance) leaves those offsets uncommitted, and the orders, read again, are
 * answered with their stored decisions.
 *
 * <p>Rebalance and shutdown: before partitions are given up (also when the consumer closes), the
 * poll in flight is completed and its offsets committed with the container's pending commits. If the
 * broker still refuses it, it stays in flight: nothing after it is released before it is complete,
 * so no commit passes it, whatever the error handler seeks meanwhile; its orders, uncommitted, are
 * replayed by whoever reads them next.
 *
 * <p>Liveness: a poll whose decisions the broker refused is sent again when the next poll is handed
 * over, or, when no further poll comes, when the container reports itself idle
 * ({@code spring.kafka.listener.idle-event-interval}), on the consumer's thread.
 *
 * <p>With {@code spillway.processor.overlap-publish=false} each poll is completed before the
 * listener returns, as before this pipeline existed.
 */
@Component
public class PublicationPipeline implements ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(PublicationPipeline.class);

    private final ProcessorProperties settings;
    private final DecisionMetrics metrics;
    // Touched only on the consumer's own thread: the listener and the rebalance callbacks run there.
    private final ThreadLocal<Line> lines = ThreadLocal.withInitial(Line::new);

    PublicationPipeline(ProcessorProperties settings, DecisionMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    /** One consumer's state. */
    private static final class Line {
        /** Handed to the producer, offsets not yet released; null when none. */
        Publication inFlight;
    }

    /**
     * Returns once the broker has every record of the previous poll, whose offsets are then released.
     *
     * @throws KafkaException if it does not; the previous poll stays in flight
     */
    public void settlePrevious() {
        Line line = lines.get();
        if (line.inFlight != null) {
            complete(line.inFlight);
            line.inFlight = null;
        }
    }

    /** Takes the batch's publication; it is completed later ({@link #settlePrevious}) or now. */
    public void hold(Publication publication) {
        if (settings.overlapPublish()) {
            publication.acknowledgeWhenDelivered();
            lines.get().inFlight = publication;
        } else {
            complete(publication);
        }
    }

    private void complete(Publication publication) {
        try {
            int resent = publication.complete(settings.publishTimeout());
            if (resent > 0) {
                metrics.republished(resent);
            }
        } catch (RuntimeException e) {
            metrics.publishFailed();
            throw e;
        }
    }

    /** No poll came for a while: finish the one in flight, so that a refused one is sent again. */
    @EventListener
    void onIdle(ListenerContainerIdleEvent idle) {
        if (lines.get().inFlight == null) {
            return;
        }
        try {
            settlePrevious();
        } catch (RuntimeException e) {
            log.warn("the broker still refuses the decisions of {}'s last poll; trying again when next idle",
                    idle.getListenerId(), e);
        }
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Line line = lines.get();
        if (line.inFlight == null) {
            return;
        }
        try {
            // Its offsets are released now and committed by the container right after this callback.
            settlePrevious();
        } catch (RuntimeException e) {
            // Kept in flight, not dropped: no later poll of this consumer is released before it, so
            // no commit can pass it. Whoever owns its partitions next reads its orders again and
            // replays them; if this consumer completes it later, its late commit covers only
            // decisions the broker has.
            log.warn("partitions {} revoked while the broker refused a poll's decisions; the poll stays in flight,"
                    + " uncommitted", partitions, e);
        }
    }
}
