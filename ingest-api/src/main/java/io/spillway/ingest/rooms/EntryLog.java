package io.spillway.ingest.rooms;

import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.EntryCommand;
import io.spillway.ingest.orders.ProducerWarmup;
import io.spillway.ingest.problems.Refusal;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Entries and leaves on the entries topic, keyed by room (one room, one partition, one line), sent on
 * a producer of their own ({@code acks=all}, idempotent, bounded by {@code spillway.ingest.send-timeout}):
 * appended and acknowledged before the {@code 202}, or answered 503 and not counted as accepted.
 *
 * <p>Limits: at most {@code max-in-flight} sends wait for the broker at once;
 * one more is answered 503 {@code overloaded}. A send acknowledged but answered 503 (the
 * acknowledgement lost) leaves a record the admitter stores once: the entry id is the customer's.
 */
final class EntryLog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EntryLog.class);

    private final KafkaTemplate<String, byte[]> template;
    private final AdmissionTopics topics;
    private final Duration retryAfter;
    private final Semaphore inFlight;
    private final ProducerWarmup warmup;

    EntryLog(
            KafkaTemplate<String, byte[]> template, AdmissionTopics topics, Duration retryAfter, int maxInFlight,
            ProducerWarmup warmup) {
        this.warmup = warmup;
        this.template = template;
        this.topics = topics;
        this.retryAfter = retryAfter;
        this.inFlight = new Semaphore(maxInFlight);
    }

    /**
     * The producer learns the entries topic's partitions at start-up, so that the first join does not
     * spend its {@code max-block} on it. Not part of readiness: a door whose rooms' producer is still
     * cold takes orders all the same.
     */
    @Override
    public void start() {
        warmup.start();
    }

    @Override
    public void stop() {
        warmup.stop();
    }

    @Override
    public boolean isRunning() {
        return warmup.isRunning();
    }

    void close() {
        if (template.getProducerFactory() instanceof org.springframework.beans.factory.DisposableBean producers) {
            try {
                producers.destroy();
            } catch (Exception e) {
                log.warn("the entries producer did not close cleanly: {}", e.toString());
            }
        }
    }

    /** Returns once the broker acknowledged {@code command}; otherwise throws a {@link Refusal} (503). */
    void append(EntryCommand command) {
        if (!inFlight.tryAcquire()) {
            throw Refusal.overloaded(retryAfter);
        }
        try {
            // Untimed, yet bounded by the producer's max.block.ms and delivery.timeout.ms.
            template.send(topics.entries(), command.key(), AdmissionJson.writeCommand(command)).get();
        } catch (ExecutionException | RuntimeException e) {
            throw refuse(command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refuse(command, e);
        } finally {
            inFlight.release();
        }
    }

    private Refusal refuse(EntryCommand command, Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        log.warn("{} for room {} not acknowledged by the broker: {}", command.getClass().getSimpleName(), command.roomId(),
                cause.toString());
        return Refusal.commandNotAccepted("The broker did not acknowledge the request in time; it was not accepted. "
                + "Retry with the same request.", retryAfter);
    }
}
