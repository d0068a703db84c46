package io.spillway.contract.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.holds.*}: the timing that makes "a payment the door accepted by
 * {@code holdExpiresAt} always wins" true. The door sends a payment within {@code paymentSendTimeout}
 * of accepting it, or answers {@code 503}; clocks of door, broker and processor agree within
 * {@code clockSkew}; the processor expires a hold only once every command appended up to the
 * deadline plus {@code paymentGrace} is stored. The door refuses to start when its send timeout and
 * the skew do not fit in the grace.
 */
@ConfigurationProperties("spillway.holds")
public record HoldsProperties(
        @DefaultValue("1500ms") Duration paymentGrace,
        @DefaultValue("1s") Duration paymentSendTimeout,
        @DefaultValue("500ms") Duration clockSkew) {

    public HoldsProperties {
        if (paymentSendTimeout.plus(clockSkew).compareTo(paymentGrace) > 0) {
            throw new IllegalArgumentException("spillway.holds.payment-send-timeout (" + paymentSendTimeout
                    + ") + clock-skew (" + clockSkew + ") must not exceed payment-grace (" + paymentGrace
                    + "): a payment accepted by the deadline could lose to the expiry");
        }
    }
}
