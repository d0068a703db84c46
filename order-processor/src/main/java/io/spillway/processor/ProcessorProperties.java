package io.spillway.processor;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.processor.*}: how the processor retries.
 *
 * @param conflicts retries of one poll's transaction when another processor changed the same rows
 *     (two instances overlapping in a rebalance); bounded, then the batch fails and {@code failures}
 *     takes over
 * @param failures back-off of the whole batch when the database or the broker fails; unbounded in
 *     count, because no order may be given up, but each pause stays far below
 *     {@code max.poll.interval.ms}
 * @param publishTimeout how long to wait for the broker to acknowledge a batch's decisions before
 *     failing the batch
 * @param lagInterval how often the lag per partition is read from the broker
 * @param overlapPublish whether a poll is decided while the broker still acknowledges the previous
 *     poll's decisions ({@link io.spillway.processor.publish.PublicationPipeline}); off, each poll
 *     waits for its own
 * @param holdBatch at most this many due holds, and as many orders with payments or cancels, per hold
 *     step (one transaction); smaller steps interleave more finely with the polls, larger ones cost less
 *     per hold
 * @param holdShare the largest share of a line's listener thread the hold steps take while the line
 *     has a backlog of orders (its last poll was full) and holds are due: after a full step that took
 *     t, the next waits t &times; (1 &minus; share) / share. 1 alternates a step and a poll; a backlog
 *     of holds then ends sooner and new orders are decided more slowly (docs/benchmarks/holds.md).
 *     Without a backlog of orders steps follow each other at once
 * @param holdLateAfter how late the holds still due may be before the steps stop yielding to the polls
 *     (and alternate with them, as with share 1): below the expiry lateness target (5 s), less what one
 *     step takes
 * @param admission the admitter's pace (io.spillway.processor.admission; on only with admission keys)
 */
@ConfigurationProperties("spillway.processor")
public record ProcessorProperties(
        @DefaultValue Conflicts conflicts,
        @DefaultValue Failures failures,
        @DefaultValue("30s") Duration publishTimeout,
        @DefaultValue("5s") Duration lagInterval,
        @DefaultValue("true") boolean overlapPublish,
        @DefaultValue("2000") int holdBatch,
        @DefaultValue("0.25") double holdShare,
        @DefaultValue("4s") Duration holdLateAfter,
        @DefaultValue Admission admission) {

    public ProcessorProperties {
        if (holdBatch < 1) {
            throw new IllegalArgumentException("spillway.processor.hold-batch must be at least 1");
        }
        if (!(holdShare > 0 && holdShare <= 1)) {
            throw new IllegalArgumentException("spillway.processor.hold-share must be in (0, 1]");
        }
    }

    public record Conflicts(
            @DefaultValue("6") int maxAttempts,
            @DefaultValue("10ms") Duration initialBackoff,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("500ms") Duration maxBackoff) {

        public Conflicts {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("spillway.processor.conflicts.max-attempts must be at least 1");
            }
        }
    }

    public record Failures(
            @DefaultValue("200ms") Duration initialBackoff,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("5s") Duration maxBackoff) {}

    /**
     * @param stepInterval how often each owned room is stepped (and the entries' poll timeout and idle
     *     interval): the lateness of an admission, an expiry or a close
     * @param progressInterval a room's {@code RoomProgress} at least this often while anyone waits
     * @param batch the most admissions of one room in one step
     * @param concurrency consumers of {@code orders.entries} per instance
     * @param group the admitter's consumer group (read by its listener)
     */
    public record Admission(
            @DefaultValue("250ms") Duration stepInterval,
            @DefaultValue("2s") Duration progressInterval,
            @DefaultValue("1000") int batch,
            @DefaultValue("1") int concurrency,
            @DefaultValue("order-processor-admission") String group) {

        public Admission {
            if (stepInterval.isNegative() || stepInterval.isZero() || progressInterval.isNegative() || batch < 1
                    || concurrency < 1) {
                throw new IllegalArgumentException("spillway.processor.admission.*: positive intervals, batch and"
                        + " concurrency at least 1");
            }
        }
    }
}
