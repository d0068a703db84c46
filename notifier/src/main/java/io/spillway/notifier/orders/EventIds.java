package io.spillway.notifier.orders;

import java.time.Instant;

/**
 * The {@code id:} of an order's events, in three bands above the queued ones, so that ids only
 * grow along the order's state machine and a client's {@code Last-Event-ID} says how far it got:
 * <ul>
 *   <li>queued: the time it is sent in epoch milliseconds, made strictly greater than the id the
 *       client last had, so ids grow across reconnections without any state kept on the server;
 *   <li>a decision that ends the order (REJECTED, CONFIRMED without a hold): {@link #TERMINAL_BASE}
 *       plus the decision time, as before holds existed;
 *   <li>a held confirmation: {@link #HELD_BASE} plus the decision time (or a later payment
 *       decision shown on it). Not terminal: a client presenting it is sent the rest;
 *   <li>the end of a hold or a cancel (PAID, EXPIRED, CANCELLED): {@link #ENDED_BASE} plus
 *       {@code endedAt}, above every held id whatever the times.
 * </ul>
 * Decision and end ids come from times the result carries, so they are the same on every
 * connection, instance and road; a client presenting a terminal one already has the end of the
 * story. No clock reads 10^15 ms (the year 33658), so the bands never meet.
 */
public final class EventIds {

    static final long TERMINAL_BASE = 1_000_000_000_000_000L;
    static final long HELD_BASE = 2 * TERMINAL_BASE;
    static final long ENDED_BASE = 3 * TERMINAL_BASE;

    public static final long NONE = -1;

    private EventIds() {}

    /** A decision that ends the order: REJECTED, or CONFIRMED without a hold. */
    public static long terminal(Instant decidedAt) {
        return TERMINAL_BASE + millis(decidedAt);
    }

    /** A held confirmation, as of {@code at}: its decision, or the later payment decision shown on it. */
    static long held(Instant at) {
        return HELD_BASE + millis(at);
    }

    /** The end of a hold, or a cancel of a queued order. */
    static long ended(Instant endedAt) {
        return ENDED_BASE + millis(endedAt);
    }

    static long nextQueued(long previous, long nowMillis) {
        return Math.max(previous + 1, nowMillis);
    }

    static boolean isTerminal(long id) {
        return id >= TERMINAL_BASE && !isHeld(id);
    }

    /** The client has a held confirmation: nothing queued is news to it any more. */
    static boolean isHeld(long id) {
        return id >= HELD_BASE && id < ENDED_BASE;
    }

    private static long millis(Instant at) {
        return Math.max(0, at.toEpochMilli());
    }

    /** A {@code Last-Event-ID} header as an id; {@link #NONE} when absent or not one of ours. */
    public static long parse(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank() || lastEventId.length() > 19) {
            return NONE;
        }
        try {
            long id = Long.parseLong(lastEventId.trim());
            return id < 0 ? NONE : id;
        } catch (NumberFormatException e) {
            return NONE;
        }
    }
}
