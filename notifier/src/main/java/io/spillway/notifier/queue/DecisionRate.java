package io.spillway.notifier.queue;

import java.util.ArrayDeque;
import java.util.OptionalDouble;

/**
 * How fast one line (a partition of {@code orders.requested}) is being decided: the advance of the
 * processor group's committed offset per second, over sliding windows of 1, 5 and 15 minutes,
 * blended with weights that favour the recent ({@link #WEIGHTS}).
 *
 * <p>Only intervals during which the line had work from start to end count: an idle processor is
 * not a slow one, and an interval in which the backlog ran out only gives a lower bound. A window
 * takes part in the blend once it holds {@link #MIN_BUSY_SECONDS} of such work.
 *
 * <p>The confidence says how much history stands behind the rate: the busy seconds of the last
 * 15 minutes ({@link #HALF_CONFIDENCE_SECONDS} of them give one half), times how well the windows
 * agree (a line that just changed speed is less predictable).
 *
 * <p>Limits: it learns from committed offsets, which move in steps of the processor's commit
 * interval; windows much shorter than that interval would see the steps. Keeps one entry per
 * observed busy interval for 15 minutes (about 900 at one look a second). Not thread-safe;
 * {@link QueueModel} guards it.
 */
final class DecisionRate {

    static final long[] WINDOWS_MILLIS = {60_000, 300_000, 900_000};

    /** Weights of the 1, 5 and 15 minute windows; renormalised over the windows that take part. */
    static final double[] WEIGHTS = {0.6, 0.3, 0.1};

    static final double MIN_BUSY_SECONDS = 2.0;

    static final double HALF_CONFIDENCE_SECONDS = 30.0;

    /** Longer gaps between looks (the broker was unreachable) say nothing about the speed within them. */
    static final long MAX_GAP_MILLIS = 60_000;

    private record Busy(long endMillis, double seconds, long decisions) {}

    private final ArrayDeque<Busy> history = new ArrayDeque<>();
    private long lastAtMillis = -1;
    private long lastCommitted;
    private boolean lastHadBacklog;
    private double perSecond = Double.NaN;
    private double confidence;

    /**
     * One sample of the line.
     *
     * @param atMillis a monotonic time in milliseconds
     * @param committed the processor group's committed offset: the next record it will decide
     * @param endOffset the line's end: the offset the next request will get
     */
    void observe(long atMillis, long committed, long endOffset) {
        boolean hasBacklog = endOffset > committed;
        if (lastAtMillis >= 0 && atMillis > lastAtMillis) {
            if (committed < lastCommitted) {
                // The group was reset or re-created: its old speed says nothing about the new one.
                history.clear();
            } else if (lastHadBacklog && hasBacklog && atMillis - lastAtMillis <= MAX_GAP_MILLIS) {
                history.addLast(new Busy(atMillis, (atMillis - lastAtMillis) / 1000.0, committed - lastCommitted));
            }
        }
        if (lastAtMillis < 0 || atMillis > lastAtMillis) {
            lastAtMillis = atMillis;
            lastCommitted = committed;
            lastHadBacklog = hasBacklog;
        }
        long longest = WINDOWS_MILLIS[WINDOWS_MILLIS.length - 1];
        while (!history.isEmpty() && history.peekFirst().endMillis() <= atMillis - longest) {
            history.removeFirst();
        }
        recompute(atMillis);
    }

    /** Once per look, so that asking (once a second per open stream) costs nothing. */
    private void recompute(long nowMillis) {
        double[] seconds = new double[WINDOWS_MILLIS.length];
        long[] decisions = new long[WINDOWS_MILLIS.length];
        for (Busy busy : history) {
            for (int w = 0; w < WINDOWS_MILLIS.length; w++) {
                if (busy.endMillis() > nowMillis - WINDOWS_MILLIS[w]) {
                    seconds[w] += busy.seconds();
                    decisions[w] += busy.decisions();
                }
            }
        }
        double weighted = 0;
        double weights = 0;
        double slowest = Double.MAX_VALUE;
        double fastest = 0;
        for (int w = 0; w < WINDOWS_MILLIS.length; w++) {
            if (seconds[w] >= MIN_BUSY_SECONDS) {
                double rate = decisions[w] / seconds[w];
                weighted += WEIGHTS[w] * rate;
                weights += WEIGHTS[w];
                slowest = Math.min(slowest, rate);
                fastest = Math.max(fastest, rate);
            }
        }
        if (weights == 0) {
            perSecond = Double.NaN;
            confidence = 0;
            return;
        }
        perSecond = weighted / weights;
        double busySeconds = seconds[seconds.length - 1];
        double coverage = busySeconds / (busySeconds + HALF_CONFIDENCE_SECONDS);
        double agreement = fastest == 0 ? 0 : slowest / fastest;
        confidence = coverage * agreement;
    }

    /** Decisions per second, or empty before enough busy time was seen. */
    OptionalDouble perSecond() {
        return Double.isNaN(perSecond) ? OptionalDouble.empty() : OptionalDouble.of(perSecond);
    }

    /** In [0, 1): 0 without a rate. */
    double confidence() {
        return confidence;
    }
}
