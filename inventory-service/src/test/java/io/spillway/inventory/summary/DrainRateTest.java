package io.spillway.inventory.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The drain rate over the last ten seconds of committed offsets, and the ETA it gives. */
class DrainRateTest {

    private static final Instant T0 = Instant.parse("2026-12-24T09:00:00Z");

    @Test
    void noRateFromOneSampleOrSamplesUnderASecondApart() {
        DrainRate rate = new DrainRate();
        rate.sample(T0, 100);
        assertThat(rate.perSecond()).isEmpty();
        rate.sample(T0.plusMillis(500), 150);
        assertThat(rate.perSecond()).isEmpty();
        assertThat(rate.etaSeconds(10)).isEmpty();
        assertThat(rate.etaSeconds(0)).hasValue(0);
    }

    @Test
    void theRateIsOverTheWindowAndTheEtaIsLagOverRate() {
        DrainRate rate = new DrainRate();
        rate.sample(T0, 0);
        rate.sample(T0.plusSeconds(5), 5_000);
        assertThat(rate.perSecond()).hasValue(1_000);
        assertThat(rate.etaSeconds(30_000)).hasValue(30);

        // Older than ten seconds: out of the window; the rate is now 200/s.
        rate.sample(T0.plusSeconds(20), 7_000);
        rate.sample(T0.plusSeconds(25), 8_000);
        assertThat(rate.perSecond()).hasValue(200);
    }

    @Test
    void offsetsGoingBackStartOverAndAStalledLineHasNoEta() {
        DrainRate rate = new DrainRate();
        rate.sample(T0, 1_000);
        rate.sample(T0.plusSeconds(2), 500);
        assertThat(rate.perSecond()).isEmpty();
        rate.sample(T0.plusSeconds(4), 500);
        assertThat(rate.perSecond()).hasValue(0);
        assertThat(rate.etaSeconds(10)).isEmpty();
    }
}
