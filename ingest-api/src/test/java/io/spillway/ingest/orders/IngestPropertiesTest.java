package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class IngestPropertiesTest {

    private static final long MB = 1 << 20;

    private static IngestProperties settings(int maxInFlight) {
        return new IngestProperties(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1), maxInFlight,
                200_000, 0.1, DataSize.ofKilobytes(64), 0.8, 0.15, 0.3, DataSize.ofKilobytes(10));
    }

    @Test
    void theInFlightLimitIsWhatTheHeapShareHoldsAndNeverAboveMaxInFlight() {
        // 10 % of 256 MiB at 64 KiB: 409.
        assertThat(settings(5_000).inFlightLimit(256 * MB)).isEqualTo(409);
        assertThat(settings(5_000).inFlightLimit(768 * MB)).isEqualTo(1_228);
        assertThat(settings(500).inFlightLimit(768 * MB)).isEqualTo(500);
        assertThat(settings(5_000).inFlightLimit(4 * MB)).isEqualTo(6);
        assertThat(settings(5_000).inFlightLimit(1)).isEqualTo(1);
    }

    @Test
    void theConnectionLimitLowersTomcatsAndNeverRaisesIt() {
        // 30 % of 256 MiB at 10 KiB: 7,864.
        assertThat(settings(5_000).connectionLimit(8_192, 256 * MB)).isEqualTo(7_864);
        assertThat(settings(5_000).connectionLimit(8_192, 128 * MB)).isEqualTo(3_932);
        assertThat(settings(5_000).connectionLimit(8_192, 4_096 * MB)).isEqualTo(8_192);
        // -1 is Tomcat's "unlimited".
        assertThat(settings(5_000).connectionLimit(-1, 256 * MB)).isEqualTo(7_864);
    }

    @Test
    void moreRequestsMayBeInProgressThanWaitForTheBroker() {
        // 15 % of 256 MiB at 64 KiB: 614, above the 409 that may wait for the broker.
        assertThat(settings(5_000).requestLimit(256 * MB)).isEqualTo(614);
        assertThat(settings(5_000).requestLimit(256 * MB)).isGreaterThan(settings(5_000).inFlightLimit(256 * MB));
        assertThat(settings(5_000).requestLimit(1)).isEqualTo(2);
    }

    @Test
    void sharesOutsideTheirRangeAreRefused() {
        assertThatThrownBy(() -> new IngestProperties(Duration.ofSeconds(2), Duration.ofMillis(500),
                Duration.ofSeconds(1), 5_000, 200_000, 1.5, DataSize.ofKilobytes(48), 0.8, 0.3, 0.3, DataSize.ofKilobytes(10)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IngestProperties(Duration.ofSeconds(2), Duration.ofMillis(500),
                Duration.ofSeconds(1), 5_000, 200_000, 0.2, DataSize.ofKilobytes(48), 0, 0.3, 0.3, DataSize.ofKilobytes(10)))
                .isInstanceOf(IllegalArgumentException.class);
        // Requests waiting for the broker must not be able to take every turn.
        assertThatThrownBy(() -> new IngestProperties(Duration.ofSeconds(2), Duration.ofMillis(500),
                Duration.ofSeconds(1), 5_000, 200_000, 0.2, DataSize.ofKilobytes(48), 0.8, 0.2, 0.3, DataSize.ofKilobytes(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
