package io.spillway.notifier.queue;

import java.util.OptionalDouble;

/**
 * How fast one line (a partition of {@code orders.requested}) is being decided: the advance of the
 * processor group's committed offset per second, smoothed over time.
 *
 * <p>Only intervals during which the line had work from start to end count: an idle processor is
 * not a slow one, and an interval in which the backlog ran out only gives a lower bound. The
 * smoothing weighs each interval by its length ({@link #TIME_CONSTANT_SECONDS}), so irregular
 * sampling does not bias it.
 *
 * <p>Limits: it learns from committed offsets, which move in steps of the processor's commit
 * interval; the smoothing hides that when commits are more frequent than the time constant. Not
 * thread-safe; {@link QueueModel} guards it.
 */
final class DecisionRate {

    /** Seconds over which the smoothed rate follows a change of speed (about 63 % of the way). */
    static final double TIME_CONSTANT_SECONDS = 10.0;

    /** Seconds of observed work at which the confidence reaches one half. */
    static final double HALF_CONFIDENCE_SECONDS = 10.0;

    private long lastAtMillis = -1;
    private long lastCommitted;
    private boolean lastHadBacklog;
    private double perSecond = Double.NaN;
    private double observedSeconds;

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
                perSecond = Double.NaN;
                observedSeconds = 0;
            } else if (lastHadBacklog && hasBacklog) {
                double seconds = (atMillis - lastAtMillis) / 1000.0;
                double sample = (committed - lastCommitted) / seconds;
                double weight = 1 - Math.exp(-seconds / TIME_CONSTANT_SECONDS);
                perSecond = Double.isNaN(perSecond) ? sample : perSecond + weight * (sample - perSecond);
                observedSeconds += seconds;
            }
        }
        if (lastAtMillis < 0 || atMillis > lastAtMillis) {
            lastAtMillis = atMillis;
            lastCommitted = committed;
            lastHadBacklog = hasBacklog;
        }
    }

    /** Decisions per second, or empty before any busy interval was seen. */
    OptionalDouble perSecond() {
        return Double.isNaN(perSecond) ? OptionalDouble.empty() : OptionalDouble.of(perSecond);
    }

    /** In [0, 1): 0 without a rate, growing with the seconds of work the rate was learnt from. */
    double confidence() {
        return Double.isNaN(perSecond) ? 0 : observedSeconds / (observedSeconds + HALF_CONFIDENCE_SECONDS);
    }
}
