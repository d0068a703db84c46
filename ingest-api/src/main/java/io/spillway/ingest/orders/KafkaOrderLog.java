package io.spillway.ingest.orders;

import io.spillway.contract.OrderRequested;
import io.spillway.contract.Topics;
import io.spillway.ingest.metrics.IngestMetrics;
import io.spillway.ingest.metrics.IngestMetrics.AckOutcome;
import io.spillway.ingest.problems.Refusal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * {@link OrderLog} on {@code orders.requested}, keyed {@code saleId/sku} so that one item's orders
 * stay in one partition in arrival order. The wait for the acknowledgement is bounded by the send
 * timeout: {@code send} itself blocks at most {@code max-block}, and the producer's delivery timeout,
 * the rest of the send timeout, bounds the time until the producer reports the record written or
 * given up, so a record is not written after its request was answered 503. (An acknowledgement
 * lost on the way back can still leave a record behind a 503; the retry with the same key names the
 * same order, so it cannot become a second one.)
 *
 * <p>What waits for a stalled broker is bounded by memory: at most {@code limit} sends wait at once,
 * a count derived from the heap ({@link IngestProperties#inFlightLimit}), and none is started while
 * the {@link HeapGate} says the last collection left the heap nearly full; either way the request is
 * answered 503 {@code overloaded} at once, before it takes anything more than its parsing did.
 */
final class KafkaOrderLog implements OrderLog {

    private static final Logger log = LoggerFactory.getLogger(KafkaOrderLog.class);

    private final KafkaTemplate<String, OrderRequested> template;
    private final Topics topics;
    private final IngestProperties settings;
    private final IngestMetrics metrics;
    private final HeapGate heap;
    private final int limit;
    private final Semaphore inFlight;

    KafkaOrderLog(
            KafkaTemplate<String, OrderRequested> template, Topics topics, IngestProperties settings,
            IngestMetrics metrics, HeapGate heap, int limit) {
        this.template = template;
        this.topics = topics;
        this.settings = settings;
        this.metrics = metrics;
        this.heap = heap;
        this.limit = limit;
        this.inFlight = new Semaphore(limit);
        metrics.inFlightSends(this::inFlight);
        metrics.inFlightLimit(limit);
        metrics.heapShedding(heap::full);
    }

    /** Sends waiting for the broker now. */
    int inFlight() {
        return limit - inFlight.availablePermits();
    }

    @Override
    public void append(OrderRequested order) {
        // Shed load rather than queue: past this many sends the broker is not keeping up, and a
        // request waiting its full send timeout helps no one; nor does one that the heap cannot hold.
        if (heap.full() || !inFlight.tryAcquire()) {
            throw Refusal.overloaded(settings.retryAfter());
        }
        try {
            send(order);
        } finally {
            inFlight.release();
        }
    }

    private void send(OrderRequested order) {
        long start = System.nanoTime();
        CompletableFuture<SendResult<String, OrderRequested>> sent;
        try {
            sent = template.send(topics.requested(), order.itemKey().toString(), order);
        } catch (RuntimeException e) {
            throw refuse(order, AckOutcome.FAILED, start, e);
        }
        try {
            // Untimed, yet bounded: the producer completes every send within delivery.timeout.ms of send()
            // returning (KIP-91), and OrdersConfiguration sets that to the send timeout less the time send()
            // may block. A timed wait would also arm a timer for every request's virtual thread, which cost
            // much of the accepted rate at saturation (docs/benchmarks/ingest.md, 2026-12-02).
            sent.get();
        } catch (ExecutionException e) {
            boolean expired = rootCause(e) instanceof TimeoutException;
            throw refuse(order, expired ? AckOutcome.TIMEOUT : AckOutcome.FAILED, start, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refuse(order, AckOutcome.FAILED, start, e);
        }
        metrics.ack(AckOutcome.ACKED, Duration.ofNanos(System.nanoTime() - start));
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private Refusal refuse(OrderRequested order, AckOutcome outcome, long start, Throwable cause) {
        metrics.ack(outcome, Duration.ofNanos(System.nanoTime() - start));
        log.warn("order {} not acknowledged by the broker ({}): {}", order.orderId(), outcome, rootCause(cause).toString());
        return Refusal.notAccepted(
                "The broker did not acknowledge the order in time; it was not accepted. "
                        + "Retry with the same Idempotency-Key.",
                settings.retryAfter());
    }
}
