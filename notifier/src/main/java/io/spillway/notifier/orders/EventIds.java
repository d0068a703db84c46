package io.spillway.notifier.orders;

import java.time.Instant;

/**
 * The {@code id:} of an order's events. A queued event's id is the time it is sent in epoch
 * milliseconds, made strictly greater than the id the client last had, so ids grow across
 * reconnections without any state kept on the server. The terminal event's id is
 * {@link #TERMINAL_BASE} plus the decision time: above every queued id (no clock reads 10^15 ms
 * before the year 33658), the same on every connection, so a client presenting it already has the
 * end of the story.
 */
final class EventIds {

    static final long TERMINAL_BASE = 1_000_000_000_000_000L;

    static final long NONE = -1;

    private EventIds() {}

    static long terminal(Instant decidedAt) {
        return TERMINAL_BASE + Math.max(0, decidedAt.toEpochMilli());
    }

    static long nextQueued(long previous, long nowMillis) {
        return Math.max(previous + 1, nowMillis);
    }

    static boolean isTerminal(long id) {
        return id >= TERMINAL_BASE;
    }

    /** A {@code Last-Event-ID} header as an id; {@link #NONE} when absent or not one of ours. */
    static long parse(String lastEventId) {
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
