package io.spillway.ingest.holds;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The payment and cancel doors: the payment credential, the holds view and the command producer. */
@Configuration(proxyBeanMethods = false)
class HoldsConfiguration {

    /** Refuses to start without a valid payment token: a door that anyone, or no one, could open is worse than none. */
    @Bean
    PaymentCredential paymentCredential(PaymentProperties properties) {
        try {
            return new PaymentCredential(properties.tokens());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("spillway.ingest.payment.tokens is not valid (" + e.getMessage()
                    + "): set SPILLWAY_PAYMENT_TOKEN to the payment system's credential, at least "
                    + PaymentCredential.MINIMUM_TOKEN_BYTES + " bytes (two, comma-separated, during a rotation)", e);
        }
    }
}
