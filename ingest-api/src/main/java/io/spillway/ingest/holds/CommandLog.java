package io.spillway.ingest.holds;

import io.spillway.contract.EventJson;
import io.spillway.contract.OrderCommand;
import io.spillway.contract.Topics;
import io.spillway.ingest.problems.Refusal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Payments and cancellations on {@code orders.commands}, keyed by order id, {@code acks=all}, on a
 * producer of their own whose {@code max.block.ms} plus {@code delivery.timeout.ms} is the payment
 * send timeout ({@code spillway.holds.payment-send-timeout}, 1 s): a command is appended within that
 * time of its {@code acceptedAt}, stamped here just before the send, or never; the processor's
 * payment grace counts on it. A send not acknowledged in time is answered 503, and its retry with
 * the same key is the same command (its {@code commandId}).
 *
 * <p>Limits: at most {@code max-in-flight} commands wait for the broker at once; one more is answered
 * 503 {@code overloaded} at once. An acknowledgement lost on its way back can leave a command behind
 * a 503, which the processor stores once.
 */
final class CommandLog {

    private static final Logger log = LoggerFactory.getLogger(CommandLog.class);

    private final KafkaTemplate<String, byte[]> template;
    private final Topics topics;
    private final Clock clock;
    private final Duration retryAfter;
    private final Semaphore inFlight;

    CommandLog(KafkaTemplate<String, byte[]> template, Topics topics, Clock clock, Duration retryAfter, int maxInFlight) {
        this.template = template;
        this.topics = topics;
        this.clock = clock;
        this.retryAfter = retryAfter;
        this.inFlight = new Semaphore(maxInFlight);
    }

    /**
     * Stamps the command with the clock, sends it and returns it once the broker acknowledged it;
     * otherwise throws a {@link Refusal} (503). Never blocks longer than the payment send timeout.
     */
    <C extends OrderCommand> C append(Function<Instant, C> stamped) {
        if (!inFlight.tryAcquire()) {
            throw Refusal.overloaded(retryAfter);
        }
        try {
            C command = stamped.apply(clock.instant());
            try {
                // Untimed, yet bounded: the producer ends every send within delivery.timeout.ms of
                // send() returning, and send() blocks at most max.block.ms (HoldsConfiguration).
                template.send(topics.commands(), command.orderId().toString(), EventJson.writeCommand(command)).get();
            } catch (ExecutionException | RuntimeException e) {
                throw refuse(command, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw refuse(command, e);
            }
            return command;
        } finally {
            inFlight.release();
        }
    }

    private Refusal refuse(OrderCommand command, Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        log.warn("{} for order {} not acknowledged by the broker: {}", command.getClass().getSimpleName(),
                command.orderId(), cause.toString());
        return Refusal.commandNotAccepted("The broker did not acknowledge the request in time; it was not accepted. "
                + "Retry with the same request.", retryAfter);
    }
}
