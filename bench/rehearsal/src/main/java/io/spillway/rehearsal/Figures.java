package io.spillway.rehearsal;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** The arithmetic of the rehearsal's figures, kept apart from the timing so that it can be tested. */
final class Figures {

    private Figures() {
    }

    /** The nearest-rank percentile ({@code p} in [0, 100]) of the values; NaN when there are none. */
    static double percentile(Collection<? extends Number> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double max(Collection<? extends Number> values) {
        return values.stream().mapToDouble(Number::doubleValue).max().orElse(Double.NaN);
    }

    /** How many of the times (ms from the start) fall in each second {@code [s, s+1)} of {@code seconds}. */
    static int[] perSecond(Collection<Long> timesMillis, int seconds) {
        int[] counts = new int[seconds];
        for (long time : timesMillis) {
            int second = (int) Math.floorDiv(time, 1000L);
            if (second >= 0 && second < seconds) {
                counts[second]++;
            }
        }
        return counts;
    }

    /**
     * How many intervals {@code [from, to)} (ms; {@code to} &lt; 0: still open) are open at the end of
     * each second: open streams, or orders accepted and not yet decided.
     */
    static int[] openAtEachSecond(List<long[]> intervals, int seconds) {
        int[] open = new int[seconds];
        for (long[] interval : intervals) {
            for (int s = 0; s < seconds; s++) {
                long end = (s + 1) * 1000L;
                if (interval[0] < end && (interval[1] < 0 || interval[1] >= end)) {
                    open[s]++;
                }
            }
        }
        return open;
    }

    /** The highest count among the seconds of {@code [fromSecond, toSecond)}. */
    static int peak(int[] perSecond, int fromSecond, int toSecond) {
        return Arrays.stream(perSecond, Math.max(0, fromSecond), Math.min(perSecond.length, Math.max(fromSecond, toSecond)))
                .max().orElse(0);
    }

    /**
     * Orders decided per second while draining a burst: how many of the times (ms, decisions of the
     * orders that arrived up to the spike's end) there are, over the time from {@code fromMillis} (the
     * opening) to the last of them. 0 when there are none.
     */
    static double drainRate(Collection<Long> decidedAtMillis, long fromMillis) {
        long last = decidedAtMillis.stream().mapToLong(Long::longValue).max().orElse(fromMillis);
        return decidedAtMillis.isEmpty() ? 0 : decidedAtMillis.size() / (Math.max(1, last - fromMillis) / 1000.0);
    }

    /** True when a later position is higher than an earlier one: the buyer saw the line move back. */
    static boolean wentUp(List<Long> positions) {
        for (int i = 1; i < positions.size(); i++) {
            if (positions.get(i) > positions.get(i - 1)) {
                return true;
            }
        }
        return false;
    }

    /** CPU seconds from two readings of {@code utime + stime} (+ children's) in clock ticks. */
    static double cpuSeconds(long ticksBefore, long ticksAfter, long ticksPerSecond) {
        return (ticksAfter - ticksBefore) / (double) ticksPerSecond;
    }

    /** The fields of a /proc/PID/stat line after the command name, which may hold spaces and ')'. */
    static String[] statFields(String statLine) {
        return statLine.substring(statLine.lastIndexOf(") ") + 2).trim().split(" ");
    }
}
