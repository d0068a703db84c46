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
