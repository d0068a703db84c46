package io.spillway.notifier.entries;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.CustomerId;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryWaiting;
import io.spillway.contract.admission.RoomId;
import io.spillway.contract.admission.RoomProgress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ETA's error as the ETA audit measures it (each entry's ETA at its waiting event against the
 * time its admission says), on a room driven the way the admitter drives it (docs/design/admission.md,
 * step 5: a minute's admissions paced over the minute, a progress after every step), with explicit
 * times: entries join faster than they are admitted, so a line builds and drains.
 */
class EntryEtaAccuracyTest {

    static final RoomId ROOM = RoomId.of("steady-room");
    static final Instant OPENS = Instant.parse("2026-12-24T09:00:00Z");

    @Test
    void atASteadySetRateTheMedianErrorIsWithinFivePercent() {
        // 600 a minute, no cap on actives: 3,000 entries joining at 30/s, admitted at 10/s.
        List<Double> errors = run(600, 0, Duration.ZERO, 3_000, 30);

        double median = median(errors);
        System.out.printf("ETA at a steady set rate: %d entries audited, median |error| %.2f %%, p90 %.2f %%%n",
                errors.size(), median * 100, percentile(errors, 0.9) * 100);
        // Every entry but the first, which joined before the room's first progress (no rate known, no ETA to audit).
        assertThat(errors).hasSize(2_999);
        assertThat(median).isLessThanOrEqualTo(0.05);
    }

    @Test
    void whenMaxActiveBindsTheErrorIsMeasuredToo() {
        // 600 a minute allowed, but 50 at once and 30 s at the shop each: 100 a minute in fact.
        List<Double> errors = run(600, 50, Duration.ofSeconds(30), 1_000, 5);

        System.out.printf("ETA while maxActive binds: %d entries audited, median |error| %.2f %%, p90 %.2f %%%n",
                errors.size(), median(errors) * 100, percentile(errors, 0.9) * 100);
        assertThat(errors).hasSizeGreaterThan(900);
        assertThat(median(errors)).isLessThan(0.25);
    }

    /** Simulates the admitter in 50 ms ticks, a step every 500 ms; returns the audit's relative errors. */
    private static List<Double> run(int perMinute, int maxActive, Duration session, int entries, int joinsPerSecond) {
        List<Double> errors = new ArrayList<>();
        AdmissionsView view = new AdmissionsView(new EntryEtaAudit(
                (given, actual) -> errors.add(Math.abs(given - actual) / Math.max(1.0, actual))));
        double perSecond = perMinute / 60.0;
        double credit = 0;
        long joined = 0;
        long admittedThrough = 0;
        Deque<Instant> lastMinute = new ArrayDeque<>();
        Deque<Instant> leaving = new ArrayDeque<>();
        for (long ms = 0; admittedThrough < entries; ms += 50) {
            Instant now = OPENS.plusMillis(ms);
            while (joined < entries && joined * 1000 / joinsPerSecond <= ms) {
                joined++;
                view.apply(new EntryWaiting(1, entry(joined), ROOM, joined, false, OPENS, now));
            }
            if (ms % 500 != 0) {
                continue;
            }
            while (!leaving.isEmpty() && !leaving.peekFirst().isAfter(now)) {
                leaving.pollFirst();
            }
            while (!lastMinute.isEmpty() && !lastMinute.peekFirst().isAfter(now.minusSeconds(60))) {
                lastMinute.pollFirst();
            }
            // Paced: the budget grows with time, and a step never spends more than a second's worth.
            credit = Math.min(credit + perSecond * 0.5, Math.max(1, perSecond));
            long free = maxActive == 0 ? Long.MAX_VALUE : maxActive - leaving.size();
            long n = Math.min(Math.min((long) credit, joined - admittedThrough), free);
            for (long i = 0; i < n; i++) {
                admittedThrough++;
                view.apply(new EntryAdmitted(1, entry(admittedThrough), ROOM, CustomerId.of("c" + admittedThrough),
                        admittedThrough, UUID.randomUUID(), "t", now.plusSeconds(900), URI.create("https://shop.example/"), now));
                lastMinute.addLast(now);
                if (maxActive > 0) {
                    leaving.addLast(now.plus(session));
                }
            }
            credit -= n;
            view.apply(new RoomProgress(1, ROOM, admittedThrough, joined, leaving.size(), lastMinute.size(), perMinute,
                    maxActive, true, now));
        }
        return errors;
    }

    private static EntryId entry(long line) {
        return EntryId.of(ROOM, CustomerId.of("buyer-" + line));
    }

    private static double median(List<Double> values) {
        return percentile(values, 0.5);
    }

    private static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(p * (sorted.size() - 1))));
    }
}
