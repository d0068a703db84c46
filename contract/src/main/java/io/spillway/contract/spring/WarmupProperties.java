package io.spillway.contract.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.warmup.*}: how long an instance exercises its hot path before it reports ready
 * (docs/operations.md, "Ready for the spike"). {@code duration} is spent whatever the rate reached,
 * so the start-up cost is known in advance; {@code threads} rounds run at once, so that the code
 * compiled is the code that serves concurrent buyers. {@code enabled=false} reports ready without it
 * (the test run does so: a test's context has no spike to meet).
 */
@ConfigurationProperties("spillway.warmup")
public record WarmupProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10s") Duration duration,
        @DefaultValue("16") int threads) {

    public WarmupProperties {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("spillway.warmup.duration must not be negative: " + duration);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("spillway.warmup.threads must be at least 1: " + threads);
        }
    }
}
