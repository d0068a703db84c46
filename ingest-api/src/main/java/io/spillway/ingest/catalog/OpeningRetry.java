package io.spillway.ingest.catalog;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code Retry-After} of a door that is not open yet, for a sale's orders and a room's entries
 * alike: the time until the door opens, plus a random share of {@link #JITTER}, so that clients told
 * to come back at the opening do not all come back in the same second (CONTRACT.md, "409"). Never
 * less than the exact time: nobody is told to come back before the door opens.
 */
public final class OpeningRetry {

    /** The most a {@code Retry-After} before the opening is spread by. */
    public static final Duration JITTER = Duration.ofSeconds(5);

    private OpeningRetry() {}

    public static Duration spread(Duration untilOpen) {
        return untilOpen.plusMillis(ThreadLocalRandom.current().nextLong(JITTER.toMillis() + 1));
    }
}
