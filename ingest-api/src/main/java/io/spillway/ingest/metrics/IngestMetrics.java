package io.spillway.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The door's meters: orders accepted, orders refused by status, and how long the broker takes to
 * acknowledge. The names are part of what operators alert on; change them on purpose only.
 */
@Component
public class IngestMetrics {

    /** How a publish ended, as the {@code outcome} tag of the ack timer. */
    public enum AckOutcome {
        ACKED, FAILED, TIMEOUT
    }

    private final MeterRegistry registry;
    private final Counter accepted;
    private final Map<Integer, Counter> refused = new ConcurrentHashMap<>();
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

    public void refused(int status) {
        refused.computeIfAbsent(status, s -> Counter.builder("spillway.ingest.orders.refused")
                        .description("Order requests answered with an error, by HTTP status")
                        .tag("status", Integer.toString(s))
                        .register(registry))
                .increment();
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
