package io.spillway.processor;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.opening.*}: when an item's pre-queue can be drawn (docs/opening.md). An order the
 * door accepted before {@code opensAt} reaches its line within the door's send timeout (else the
 * door answered 503), so once the line has read everything appended up to
 * {@code opensAt + orderSendTimeout + 2 × clockSkew} (door and broker or processor clocks may each
 * be off by {@code clockSkew}), no pre-queue order can still come and the draw is complete.
 *
 * @param orderSendTimeout at least the door's {@code spillway.ingest.send-timeout}
 * @param clockSkew how far the clocks of doors, broker and processors may disagree
 * @param batch the most parked orders one step decides (one transaction)
 */
@ConfigurationProperties("spillway.opening")
public record OpeningProperties(
        @DefaultValue("2s") Duration orderSendTimeout,
        @DefaultValue("500ms") Duration clockSkew,
        @DefaultValue("2000") int batch) {

    public OpeningProperties {
        if (orderSendTimeout.isNegative() || clockSkew.isNegative() || batch < 1) {
            throw new IllegalArgumentException("spillway.opening.* must not be negative, batch at least 1");
        }
    }

    /** How long after {@code opensAt} every pre-queue order has been appended to its line. */
    public Duration settle() {
        return orderSendTimeout.plus(clockSkew.multipliedBy(2));
    }
}
