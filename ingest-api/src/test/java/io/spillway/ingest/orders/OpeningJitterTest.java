package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OpeningJitterTest {

    @Test
    void retryAfterBeforeTheOpeningIsNeverEarlyAndIsSpreadOverTheJitter() {
        Duration untilOpen = Duration.ofSeconds(90);
        Set<Long> seconds = new HashSet<>();

        IntStream.range(0, 2_000).mapToObj(i -> OrderIntake.spread(untilOpen)).forEach(spread -> {
            assertThat(spread).isBetween(untilOpen, untilOpen.plus(OrderIntake.OPENING_JITTER));
            seconds.add(spread.toSeconds());
        });

        // 2,000 clients come back over every second of the jitter, not all in the same one.
        assertThat(seconds).hasSizeGreaterThanOrEqualTo((int) OrderIntake.OPENING_JITTER.toSeconds());
    }
}
