package io.spillway.rehearsal;

/** Milliseconds from the start of a schedule, on the monotonic clock, with its wall-clock origin. */
record Clock(long originNanos, long originEpochMillis) {

    static Clock startingIn(long millis) {
        return new Clock(System.nanoTime() + millis * 1_000_000, System.currentTimeMillis() + millis);
    }

    long now() {
        return (System.nanoTime() - originNanos) / 1_000_000;
    }

    /** A wall-clock instant (epoch ms) on this clock. */
    long fromEpoch(long epochMillis) {
        return epochMillis - originEpochMillis;
    }

    void sleepUntil(long millis) throws InterruptedException {
        long wait = millis - now();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
