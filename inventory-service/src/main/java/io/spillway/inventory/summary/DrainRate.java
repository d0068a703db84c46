package io.spillway.inventory.summary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.OptionalDouble;

/**
 * How fast a set of lines is being decided: the processor group's committed offsets summed over the
 * sale's partitions, sampled at each summary, and the rate over the last {@link #WINDOW}. Plain Java;
 * the summary feeds it samples.
 *
 * <p>Limits: the rate is of the whole partitions, other sales' orders in them included, which is
 * what the lag counts too, so lag / rate is a consistent drain time. No rate until two samples at
 * least a second apart exist; a rate of zero gives no ETA.
 */
final class DrainRate {

    static final Duration WINDOW = Duration.ofSeconds(10);

    private record Sample(Instant at, long committed) {}

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    synchronized void sample(Instant at, long committed) {
        if (!samples.isEmpty() && samples.peekLast().committed() > committed) {
            // Offsets went back (the group was reset): earlier samples say nothing about now.
            samples.clear();
        }
        samples.addLast(new Sample(at, committed));
        while (samples.size() > 2 && Duration.between(samples.peekFirst().at(), at).compareTo(WINDOW) > 0) {
            samples.removeFirst();
        }
    }

    /** Decisions a second over the window, if it can be told. */
    synchronized OptionalDouble perSecond() {
        if (samples.size() < 2) {
            return OptionalDouble.empty();
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        double seconds = Duration.between(first.at(), last.at()).toMillis() / 1000.0;
        if (seconds < 1) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((last.committed() - first.committed()) / seconds);
    }

    /** Seconds until {@code lag} records are decided at the current rate, if there is one. */
    synchronized OptionalDouble etaSeconds(long lag) {
        if (lag == 0) {
            return OptionalDouble.of(0);
        }
        OptionalDouble rate = perSecond();
        return rate.isPresent() && rate.getAsDouble() > 0 ? OptionalDouble.of(lag / rate.getAsDouble()) : OptionalDouble.empty();
    }
}
