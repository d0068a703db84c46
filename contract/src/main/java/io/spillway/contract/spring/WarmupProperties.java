package io.spillway.contract.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.warmup.*}: how an instance exercises its hot path before it reports ready
 * (docs/operations.md, "Ready for the spike"): until the rate of its rounds stops rising and the
 * JIT has gone quiet ({@link WarmupGate#settled}), but at
 * least {@code minDuration} (the first seconds' rate is noise) and at most {@code maxDuration} (the
 * bound on what a warm-up adds to a start, whatever the node); {@code threads} rounds run at once,
 * so that the code compiled is the code that serves concurrent buyers. {@code enabled=false}, or a
 * {@code maxDuration} of 0, reports ready without it (the test run does so: a test's context has no
 * spike to meet).
 */
@ConfigurationProperties("spillway.warmup")
public record WarmupProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5s") Duration minDuration,
        @DefaultValue("30s") Duration maxDuration,
        @DefaultValue("16") int threads) {

    public WarmupProperties {
        if (minDuration.isNegative() || maxDuration.compareTo(minDuration) < 0) {
            throw new IllegalArgumentException("spillway.warmup: need 0 <= min-duration (" + minDuration
                    + ") <= max-duration (" + maxDuration + ")");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("spillway.warmup.threads must be at least 1: " + threads);
        }
    }
}
