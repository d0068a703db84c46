package io.spillway.inventory.sales.rules;

import java.time.Instant;

/**
 * Where a sale or a room stands (CONTRACT.md's states): from its times, {@code PAUSED} while an
 * operator has paused it, {@code CLOSED} for good once one closed it.
 */
public enum OpeningState {
    SCHEDULED,
    PREQUEUE,
    OPEN,
    PAUSED,
    CLOSED;

    public static OpeningState at(Instant now, Instant prequeueOpensAt, Instant opensAt, boolean paused, boolean closed) {
        if (closed) {
            return CLOSED;
        }
        if (paused) {
            return PAUSED;
        }
        if (!now.isBefore(opensAt)) {
            return OPEN;
        }
        return prequeueOpensAt != null && !now.isBefore(prequeueOpensAt) ? PREQUEUE : SCHEDULED;
    }
}
