package io.spillway.notifier.queue;

/**
 * Where a queued order stands in its line.
 *
 * @param position undecided orders ahead of it in its partition, never below 0
 * @param etaSeconds seconds until it is likely decided; null while the line's speed is unknown
 * @param confidence in [0, 1]: how much history backs {@code etaSeconds}; 0 when it is null
 */
public record QueueEstimate(long position, Long etaSeconds, double confidence) {

    public QueueEstimate {
        if (position < 0) {
            throw new IllegalArgumentException("position must not be negative");
        }
        if (confidence < 0 || confidence > 1 || (etaSeconds == null && confidence != 0)) {
            throw new IllegalArgumentException("confidence must be in [0, 1], and 0 without an estimate");
        }
    }
}
