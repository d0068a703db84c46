package io.spillway.processor.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.admission.RoomId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The admitter's meters: admissions and their ends by kind, and the entries waiting per room as its
 * last step on this instance saw them (set by the step, never read from the database at scrape time).
 *
 * <p>Limits: the waiting gauge is per instance; a room stepped by two instances in a rebalance is
 * shown by both until the next steps; a room is a label, so rooms are expected to be few.
 */
final class AdmissionMetrics {

    private final MeterRegistry registry;
    private final Map<RoomId, AtomicLong> waiting = new ConcurrentHashMap<>();

    AdmissionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** What a step or a poll did: {@code admitted}, {@code expired}, {@code left} or {@code closed}. */
    void counted(String event, int count) {
        if (count > 0) {
            Counter.builder("spillway.processor.admissions")
                    .description("Admissions granted, and their ends (expired, left) and entries closed unadmitted")
                    .tag("event", event)
                    .register(registry)
                    .increment(count);
        }
    }

    void waiting(RoomId room, long entries) {
        waiting.computeIfAbsent(room, r -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("spillway.processor.admission.waiting", value, AtomicLong::get)
                    .description("Entries waiting in the room's line at its last step on this instance")
                    .tag("room", r.value())
                    .register(registry);
            return value;
        }).set(entries);
    }
}
