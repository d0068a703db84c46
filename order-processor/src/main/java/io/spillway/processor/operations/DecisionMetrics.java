package io.spillway.processor.operations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderRejected;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The processor's meters; names start with {@code spillway.processor}. Pauses are counted by
 * {@link DatabaseCircuit}, the breaker's state by Resilience4j ({@code resilience4j.circuitbreaker.state}),
 * lag per partition by the Kafka consumer's own metrics ({@code kafka.consumer.fetch.manager.records.lag}).
 */
@Component
public class DecisionMetrics {

    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final Counter replays;
    private final Counter conflictRetries;
    private final Timer latency;
    private final Timer readStage;
    private final Timer decideStage;
    private final Timer settleStage;
    private final Timer publishStage;
    private final Timer holdsStage;
    private final Counter republished;
    private final Counter publishFailures;

    DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchSize = DistributionSummary.builder("spillway.processor.batch.size")
                .description("Records per polled batch of orders.requested")
                .baseUnit("records")
                .publishPercentileHistogram()
                .register(registry);
        this.replays = Counter.builder("spillway.processor.replays")
                .description("Deliveries of orders decided before, answered with the stored decision")
                .register(registry);
        this.conflictRetries = Counter.builder("spillway.processor.conflict.retries")
                .description("Poll transactions retried because another processor changed the same rows")
                .register(registry);
        this.latency = Timer.builder("spillway.processor.decision.latency")
                .description("From the order's requestedAt (ingest) to its decidedAt, for orders decided now, not replays")
                .publishPercentileHistogram()
                .register(registry);
        this.readStage = stage(registry, "read");
        this.decideStage = stage(registry, "decide");
        this.settleStage = stage(registry, "settle");
        this.publishStage = stage(registry, "publish");
        this.holdsStage = stage(registry, "holds");
        this.republished = Counter.builder("spillway.processor.republished")
                .description("Decisions and dead letters sent again because the broker refused them the first time")
                .register(registry);
        this.publishFailures = Counter.builder("spillway.processor.publish.failures")
                .description("Polls whose decisions the broker did not take, even sent again; the poll is retried")
                .register(registry);
    }

    // Where a poll's time goes on the listener thread: reading the records, the database transaction,
    // settling the previous poll (waiting for its acknowledgements, sending refused records again),
    // handing this poll's decisions to the producer (with overlap-publish off, also waiting for their
    // acknowledgements). The rest of the cycle is the offset commit and the poll.
    private static Timer stage(MeterRegistry registry, String stage) {
        return Timer.builder("spillway.processor.poll.stage")
                .description("Time per polled batch spent in one stage of the listener")
                .tag("stage", stage)
                .register(registry);
    }

    public void stages(long readNanos, long decideNanos, long settleNanos, long publishNanos) {
        readStage.record(readNanos, TimeUnit.NANOSECONDS);
        decideStage.record(decideNanos, TimeUnit.NANOSECONDS);
        settleStage.record(settleNanos, TimeUnit.NANOSECONDS);
        publishStage.record(publishNanos, TimeUnit.NANOSECONDS);
    }

    /** The hold step's share of the listener thread (HoldSteps), between two polls. */
    public void holdStage(long nanos) {
        holdsStage.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void batch(int records) {
        batchSize.record(records);
    }

    public void decided(OrderDecision decision) {
        String reason = decision instanceof OrderRejected rejected ? rejected.reason().name() : "none";
        String outcome = decision instanceof OrderRejected ? "rejected" : "confirmed";
        registry.counter("spillway.processor.decisions", "outcome", outcome, "reason", reason).increment();
        // Both instants come from wall clocks (ingest's and this host's): skew makes this approximate.
        Duration waited = Duration.between(decision.requestedAt(), decision.decidedAt());
        latency.record(waited.isNegative() ? Duration.ZERO : waited);
    }

    public void republished(int count) {
        republished.increment(count);
    }

    public void publishFailed() {
        publishFailures.increment();
    }

    public void replayed(int count) {
        replays.increment(count);
    }

    public void conflictRetried() {
        conflictRetries.increment();
    }

    public void deadLetterWithoutValue() {
        registry.counter("spillway.processor.dead.letters.without.value").increment();
    }

    public void deadLettered(String cause) {
        registry.counter("spillway.processor.dead.letters", "cause", cause).increment();
    }
}
