package io.spillway.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionDemoTest {

    static final Instant T = Instant.parse("2026-12-24T09:00:00Z");

    @Test
    void theMostAdmittedInAnyMinuteCountsEverySlidingWindowNotTheClockMinutes() {
        // 3 in the last 20 s of one clock minute, 3 in the first 20 s of the next: 6 within one minute.
        List<Instant> admitted = List.of(T.plusSeconds(45), T.plusSeconds(50), T.plusSeconds(55),
                T.plusSeconds(61), T.plusSeconds(70), T.plusSeconds(75), T.plusSeconds(200));

        assertThat(AdmissionDemo.mostWithin(admitted, Duration.ofMinutes(1))).isEqualTo(6);
    }

    @Test
    void twoAdmissionsExactlyAMinuteApartAreInDifferentWindows() {
        assertThat(AdmissionDemo.mostWithin(List.of(T, T.plusSeconds(60)), Duration.ofMinutes(1))).isEqualTo(1);
        assertThat(AdmissionDemo.mostWithin(List.of(), Duration.ofMinutes(1))).isZero();
    }
}
