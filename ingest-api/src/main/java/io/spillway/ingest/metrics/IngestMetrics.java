package io.spillway.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The door's meters: orders accepted, orders refused by status and reason (429s and 503s among
 * them), how long the broker takes to acknowledge, and the sends in flight. The names are part of what operators alert on; change them on purpose only.
 */
@Component
public class IngestMetrics {

    /** How a publish ended, as the {@code outcome} tag of the ack timer. */
    public enum AckOutcome {
        ACKED, FAILED, TIMEOUT
    }

    private final MeterRegistry registry;
    private final Counter accepted;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Map<AckOutcome, Timer> acks = new ConcurrentHashMap<>();

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = Counter.builder("spillway.ingest.orders.accepted")
                .description("Orders answered 202: acknowledged by the broker")
                .register(registry);
    }

    public void accepted() {
        accepted.increment();
    }

    /**
     * @param reason why, as a stable slug ({@code rate-limited}, {@code sold-out}, {@code overloaded},
     *     ...); 429s and 503s are this counter with {@code status="429"} / {@code "503"}
     */
    public void refused(int status, String reason) {
        refused.computeIfAbsent(status + "/" + reason, s -> Counter.builder("spillway.ingest.orders.refused")
                        .description("Order requests answered with an error, by HTTP status and reason")
                        .tag("status", Integer.toString(status))
                        .tag("reason", reason)
                        .register(registry))
                .increment();
    }

    /**
     * A payment or cancellation answered with an error: {@code spillway_ingest_commands_refused_total}.
     *
     * @param command {@code payment} or {@code cancel}
     */
    public void commandRefused(String command, int status, String reason) {
        refused.computeIfAbsent(command + "/" + status + "/" + reason,
                        s -> Counter.builder("spillway.ingest.commands.refused")
                                .description("Payment and cancel requests answered with an error, by command, status and reason")
                                .tag("command", command)
                                .tag("status", Integer.toString(status))
                                .tag("reason", reason)
                                .register(registry))
                .increment();
    }

    /** A payment or cancellation answered 202: in {@code orders.commands}. */
    public void commandAccepted(String command) {
        refused.computeIfAbsent(command + "/accepted", s -> Counter.builder("spillway.ingest.commands.accepted")
                        .description("Payment and cancel requests answered 202: acknowledged by the broker")
                        .tag("command", command)
                        .register(registry))
                .increment();
    }

    /** Publishes the holds the payment door knows and the records of orders.holds it skipped. */
    public void holdsView(java.util.function.IntSupplier known, java.util.function.LongSupplier skipped) {
        io.micrometer.core.instrument.Gauge.builder("spillway.ingest.holds.known", known::getAsInt)
                .description("Holds the payment door knows: payments for other orders are answered 404")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("spillway.ingest.holds.skipped", skipped,
                        java.util.function.LongSupplier::getAsLong)
                .description("Records of orders.holds skipped as unreadable (a newer type, malformed)")
                .register(registry);
    }

    /** Publishes how many orders are waiting for the broker's acknowledgement right now. */
    public void inFlightSends(java.util.function.IntSupplier inFlight) {
        io.micrometer.core.instrument.Gauge.builder("spillway.ingest.sends.in.flight", inFlight::getAsInt)
                .description("Orders handed to the producer and not yet acknowledged or refused")
                .register(registry);
    }

    /** Publishes the most orders that may wait for the broker at once (derived from the heap). */
    public void inFlightLimit(int limit) {
        io.micrometer.core.instrument.Gauge.builder("spillway.ingest.sends.in.flight.limit", () -> limit)
                .description("The most orders that may wait for the broker at once; one more is answered 503")
                .register(registry);
    }

    /** Publishes 1 while orders are answered 503 because the heap is nearly full, else 0. */
    public void heapShedding(java.util.function.BooleanSupplier shedding) {
        io.micrometer.core.instrument.Gauge.builder("spillway.ingest.heap.shedding", () -> shedding.getAsBoolean() ? 1 : 0)
                .description("1 while the last garbage collection left the heap too full to take more orders")
                .register(registry);
    }

    public void ack(AckOutcome outcome, Duration took) {
        acks.computeIfAbsent(outcome, o -> Timer.builder("spillway.ingest.broker.ack")
                        .description("From handing an order to the producer to the broker's acks=all answer")
                        .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
                        .publishPercentileHistogram()
                        .register(registry))
                .record(took);
    }
}
