package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessorPropertiesTest {

    private static ProcessorProperties with(int holdBatch, double holdShare) {
        return new ProcessorProperties(
                new ProcessorProperties.Conflicts(6, Duration.ofMillis(10), 2.0, Duration.ofMillis(500)),
                new ProcessorProperties.Failures(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5)),
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                true,
                holdBatch,
                holdShare,
                Duration.ofSeconds(4),
                new ProcessorProperties.Admission(
                        Duration.ofMillis(250), Duration.ofSeconds(2), 1000, 1, "order-processor-admission"));
    }

    @Test
    void aHoldStepEndsAtLeastOneHold() {
        assertThatThrownBy(() -> with(0, 0.25)).hasMessageContaining("hold-batch");
        assertThat(with(1, 0.25).holdBatch()).isEqualTo(1);
    }

    @Test
    void theStepsShareOfTheThreadIsAFractionAboveZeroUpToAll() {
        assertThatThrownBy(() -> with(2000, 0)).hasMessageContaining("hold-share");
        assertThatThrownBy(() -> with(2000, 1.5)).hasMessageContaining("hold-share");
        assertThatThrownBy(() -> with(2000, Double.NaN)).hasMessageContaining("hold-share");
        assertThat(with(2000, 1).holdShare()).isEqualTo(1);
    }
}
