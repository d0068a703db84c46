package io.spillway.notifier.entries;

import io.spillway.contract.admission.RoomProgress;
import java.time.Duration;
import java.time.Instant;

/**
 * A waiting entry's position and ETA, from its place in the line and its room's latest progress.
 * Plain Java; every input comes with the time.
 *
 * <p>The formula (docs/notifier.md, "Position and ETA of an entry"):
 * <ul>
 *   <li>{@code position = line − admittedThrough} (at least 1): admissions follow the line, so the
 *       entry is the position-th still to be admitted.
 *   <li>{@code rate} (per second) {@code = admitPerMinute / 60}; when {@code maxActive} binds
 *       ({@code active ≥ maxActive}) it is lowered to the measured {@code admittedLastMinute / 60}
 *       (slots free only as fast as buyers leave or expire). No cap at all: admitted at the next step.
 *   <li>The admitter paces a minute's admissions over the minute, so the entry at {@code position}
 *       is admitted about {@code position / rate} after the progress was published: {@code ETA =
 *       progress time + position / rate − now}, anchored at the progress' time, not at now, so a
 *       progress a second old does not add a second. Before the opening, from the opening:
 *       {@code opensAt + position / rate − now}.
 *   <li>A pre-queue entry before the draw: no position yet, {@code ETA = opensAt − now} (the draw
 *       puts it somewhere in the pre-queue), confidence {@link #PREQUEUE_CONFIDENCE}.
 * </ul>
 *
 * <p>Confidence: {@link #SET_RATE_CONFIDENCE} when the set rate binds (Spillway keeps it), {@link
 * #MEASURED_RATE_CONFIDENCE} when {@code maxActive} binds (the rate then depends on how long buyers
 * stay at the shop), lower when the progress is old ({@link #STALE}); no ETA while the room is paused
 * (not opened after its opening), or when nobody was admitted in the last minute while
 * {@code maxActive} binds.
 *
 * <p>Limits: the rate is the one in force at the last progress; a change of the rates shows at the
 * next progress (the admitter publishes one after every step that changed something, and every few
 * seconds). The rate caps are assumed to bind: a room admitting slower than its cap for want of
 * waiting entries has nobody waiting either.
 */
public final class EntryEta {

    static final double SET_RATE_CONFIDENCE = 0.9;
    static final double MEASURED_RATE_CONFIDENCE = 0.5;
    static final double PREQUEUE_CONFIDENCE = 0.3;
    /** A progress older than this (the admitter publishes one every few seconds): half the confidence. */
    static final Duration STALE = Duration.ofSeconds(15);
    /** After its opening, a room not opened yet is opening (the admitter's settle margin), not paused, for this long. */
    static final Duration OPENING_MARGIN = Duration.ofSeconds(30);

    /**
     * @param position null before the draw
     * @param etaSeconds null when nothing can be said
     * @param confidence in [0, 1]; 0 without an ETA
     */
    public record Estimate(Long position, Long etaSeconds, double confidence) {

        static final Estimate UNKNOWN = new Estimate(null, null, 0);
    }

    private EntryEta() {}

    /**
     * @param line the entry's place; null before the draw
     * @param opensAt the room's opening, as the entry's waiting event has it (null: not known)
     * @param room the room's latest progress; null before any
     */
    public static Estimate estimate(Long line, Instant opensAt, RoomProgress room, Instant now) {
        if (line == null) {
            if (opensAt == null) {
                return Estimate.UNKNOWN;
            }
            return new Estimate(null, ceilSeconds(Duration.between(now, opensAt)), PREQUEUE_CONFIDENCE);
        }
        long position = Math.max(1, line - (room == null ? 0 : room.admittedThrough()));
        if (room == null) {
            return new Estimate(position, null, 0);
        }
        boolean beforeOpening = opensAt != null && now.isBefore(opensAt);
        if (!room.opened() && !beforeOpening
                && (opensAt == null || now.isAfter(opensAt.plus(OPENING_MARGIN)))) {
            // Paused (or closing): nobody is admitted until it resumes, and when is not known.
            return new Estimate(position, null, 0);
        }
        double confidence = SET_RATE_CONFIDENCE;
        double perSecond = room.admitPerMinute() / 60.0;
        boolean capped = room.admitPerMinute() > 0;
        if (room.maxActive() > 0 && room.active() >= room.maxActive()) {
            double measured = room.admittedLastMinute() / 60.0;
            perSecond = capped ? Math.min(perSecond, measured) : measured;
            capped = true;
            confidence = MEASURED_RATE_CONFIDENCE;
        }
        if (capped && perSecond <= 0) {
            return new Estimate(position, null, 0);
        }
        double drain = capped ? position / perSecond : 0;
        // From the opening when the line has not started; otherwise from the progress that says where it is.
        Instant anchor = !room.opened() ? max(opensAt == null ? now : opensAt, now) : room.happenedAt();
        double eta = Duration.between(now, anchor).toMillis() / 1000.0 + drain;
        if (Duration.between(room.happenedAt(), now).compareTo(STALE) > 0) {
            confidence /= 2;
        }
        return new Estimate(position, Math.max(0, Math.round(eta)), confidence);
    }

    private static long ceilSeconds(Duration duration) {
        return Math.max(0, (duration.toMillis() + 999) / 1000);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
