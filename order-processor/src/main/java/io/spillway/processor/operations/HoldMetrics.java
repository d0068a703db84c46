package io.spillway.processor.operations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * The meters of holds (docs/design/holds.md §5); names start with {@code spillway.processor}. The
 * gauges are set by whoever reads their value ({@code HoldGauges}, every few seconds), never computed
 * at scrape time: a scrape must not query the database.
 *
 * <p>Limits: {@code holds.open}, {@code expiry.overdue} and {@code outbox.rows} count the lines this
 * instance owns; summed over instances they count every line once, except during a rebalance.
 */
@Component
public class HoldMetrics {

    private final MeterRegistry registry;
    private final Counter opened;
    private final Counter graceBreaches;
    private final Counter refConflicts;
    private final Timer timeToPay;
    private final Timer lateness;
    private final Timer appendDelay;
    private final AtomicReference<Double> open = new AtomicReference<>(0.0);
    private final AtomicReference<Double> overdue = new AtomicReference<>(0.0);
    private final AtomicReference<Double> watermarkAge = new AtomicReference<>(0.0);
    private final AtomicReference<Double> outboxRows = new AtomicReference<>(0.0);

    HoldMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.opened = Counter.builder("spillway.processor.holds.opened")
                .description("Held confirmations decided (replays excluded)")
                .register(registry);
        this.graceBreaches = Counter.builder("spillway.processor.payment.grace.breaches")
                .description("Payments accepted by the deadline that reached the processor after the hold expired;"
                        + " must stay 0")
                .register(registry);
        this.refConflicts = Counter.builder("spillway.processor.payment.ref.conflicts")
                .description("Payments whose paymentRef was stored for another order: ignored")
                .register(registry);
        this.timeToPay = Timer.builder("spillway.processor.hold.time.to.pay")
                .description("acceptedAt - decidedAt of paid holds")
                .publishPercentileHistogram()
                .register(registry);
        this.lateness = Timer.builder("spillway.processor.expiry.lateness")
                .description("endedAt - holdExpiresAt of expired holds")
                .publishPercentileHistogram()
                .register(registry);
        this.appendDelay = Timer.builder("spillway.processor.command.append.delay")
                .description("Append time on orders.commands - the door's acceptedAt: what of the payment grace is used")
                .publishPercentileHistogram()
                .register(registry);
        // Each named in place: the operations module's catalogue reads meter names from the source.
        Gauge.builder("spillway.processor.holds.open", open, AtomicReference::get)
                .description("Open holds of this instance's lines")
                .register(registry);
        Gauge.builder("spillway.processor.expiry.overdue", overdue, AtomicReference::get)
                .description("now - the oldest deadline not yet expired in this instance's lines (0 when none is past)")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("spillway.processor.command.watermark.age", watermarkAge, AtomicReference::get)
                .description("now - the smallest command watermark")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("spillway.processor.outbox.rows", outboxRows, AtomicReference::get)
                .description("Events of hold steps and the intake not yet acknowledged by the broker")
                .register(registry);
    }

    public void opened(int holds) {
        opened.increment(holds);
    }

    /** Holds ended now (not replays): {@code paid}, {@code expired} or {@code cancelled}. */
    public void ended(String outcome, int holds) {
        registry.counter("spillway.processor.holds.ended", "outcome", outcome).increment(holds);
    }

    public void paid(Instant decidedAt, Instant acceptedAt) {
        timeToPay.record(positive(Duration.between(decidedAt, acceptedAt)));
    }

    public void expired(Instant holdExpiresAt, Instant endedAt) {
        lateness.record(positive(Duration.between(holdExpiresAt, endedAt)));
    }

    public void refused(String outcome) {
        registry.counter("spillway.processor.payments.refused", "outcome", outcome).increment();
    }

    public void graceBreached() {
        graceBreaches.increment();
    }

    public void refConflict() {
        refConflicts.increment();
    }

    public void commandsStored(String type, int count) {
        registry.counter("spillway.processor.commands.stored", "type", type).increment(count);
    }

    public void appended(Instant acceptedAt, Instant appendedAt) {
        appendDelay.record(positive(Duration.between(acceptedAt, appendedAt)));
    }

    public void lines(long openHolds, Duration overdueBy, Duration watermarkAge, long outbox) {
        open.set((double) openHolds);
        overdue.set(seconds(overdueBy));
        this.watermarkAge.set(seconds(watermarkAge));
        outboxRows.set((double) outbox);
    }

    private static double seconds(Duration duration) {
        return duration == null || duration.isNegative() ? 0.0 : duration.toNanos() / 1e9;
    }

    private static Duration positive(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }
}
