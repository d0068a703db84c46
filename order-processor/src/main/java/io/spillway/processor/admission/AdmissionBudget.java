package io.spillway.processor.admission;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How many of a room's waiting entries one admission step may admit: the smallest of three limits
 * (docs/design/admission.md, "The admitter"), each 0-means-no-cap as the contract says.
 *
 * <ul>
 *   <li><b>Active</b>: {@code maxActive − active}.
 *   <li><b>Minute</b>: {@code admitPerMinute − admissions since now − 60 s}. Every admission is counted
 *       against every later one within 60 s, so no 60-s window, wherever it starts, holds more than
 *       {@code admitPerMinute}.
 *   <li><b>Pace</b>: a virtual schedule (GCRA) of one admission every {@code 60 s / admitPerMinute},
 *       with {@link #BURST} of tolerance: a minute's budget is spread over the minute instead of being
 *       spent by its first step, and a step that comes late (steps are some 250 ms apart) still admits
 *       what the schedule owed it, so the long-run rate is the set rate. The schedule is recomputed
 *       from the admission times alone ({@link #schedule}), so it needs no state of its own and holds
 *       for whichever instance admits next.
 * </ul>
 *
 * <p>Plain Java: the step reads the counts inside its fence ({@code room_lines … FOR UPDATE}) and
 * asks this class; the limits then hold across instances, rebalances and restarts.
 *
 * <p>Limits: the times are the admitting instances' clocks; a clock that jumps back lets the pace run
 * ahead by as much (never the minute cap, which counts every admission after {@code now − 60 s}, later
 * ones included).
 */
final class AdmissionBudget {

    /** How far the pace may run ahead of its schedule: one second's worth of admissions. */
    static final Duration BURST = Duration.ofSeconds(1);

    static final Duration MINUTE = Duration.ofMinutes(1);

    /** A room's limits; 0 is no cap. */
    record Rates(int admitPerMinute, int maxActive) {

        Rates {
            if (admitPerMinute < 0 || maxActive < 0) {
                throw new IllegalArgumentException("rates must not be negative");
            }
        }
    }

    private AdmissionBudget() {}

    /**
     * How many may be admitted at {@code now}.
     *
     * @param active admissions not ended at {@code now} (expired ones already ended)
     * @param lastMinute the times of every admission after {@code now − 60 s}, newest first
     * @param waiting entries in line that could be admitted (an upper bound on the answer)
     */
    static int admissible(Rates rates, int active, List<Instant> lastMinute, int waiting, Instant now) {
        long n = waiting;
        if (rates.maxActive() > 0) {
            n = Math.min(n, rates.maxActive() - (long) active);
        }
        if (rates.admitPerMinute() > 0) {
            n = Math.min(n, rates.admitPerMinute() - (long) lastMinute.size());
            if (n > 0) {
                n = Math.min(n, paced(rates.admitPerMinute(), lastMinute, now, n));
            }
        }
        return (int) Math.max(0, n);
    }

    /** Admissions the schedule allows at {@code now}, at most {@code atMost}. */
    private static long paced(int admitPerMinute, List<Instant> lastMinute, Instant now, long atMost) {
        long interval = interval(admitPerMinute);
        long nowNanos = nanos(now);
        long burst = BURST.toNanos();
        Long scheduled = schedule(lastMinute, interval);
        long tat = scheduled == null ? Long.MIN_VALUE : scheduled;
        long n = 0;
        // GCRA: an admission conforms while its theoretical time is at most BURST ahead of now.
        while (n < atMost && (tat == Long.MIN_VALUE || tat - burst <= nowNanos)) {
            tat = Math.max(tat, nowNanos) + interval;
            n++;
        }
        return n;
    }

    /**
     * The schedule's next free time (GCRA's theoretical arrival time) after the given admissions, as
     * epoch nanoseconds, or null when there were none: {@code max(t_j + k_j × interval)}, where
     * {@code k_j} counts the admissions at or after {@code t_j}. It equals the recurrence
     * {@code tat = max(tat, t) + interval} run over them in time order.
     */
    static Long schedule(List<Instant> newestFirst, long intervalNanos) {
        Long tat = null;
        long k = 0;
        for (Instant admitted : newestFirst) {
            k++;
            long candidate = nanos(admitted) + k * intervalNanos;
            if (tat == null || candidate > tat) {
                tat = candidate;
            }
        }
        return tat;
    }

    static long interval(int admitPerMinute) {
        return MINUTE.toNanos() / admitPerMinute;
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
