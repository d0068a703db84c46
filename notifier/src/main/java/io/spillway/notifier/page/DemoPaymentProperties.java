package io.spillway.notifier.page;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code spillway.notifier.demo-payment.*}: the local stack's stand-in for a payment system. When
 * set, the buyers' page shows a "Pay (demo)" button on a held order, and the notifier forwards the
 * click to ingest-api's payment endpoint with the payment system's credential, read here, server
 * side; the browser never sees it. Off unless both are set: {@code ./spillway up} sets them, a
 * production deployment must not (the payment system calls the payment endpoint itself).
 *
 * @param ingestUrl ingest-api's base URL, such as {@code http://127.0.0.1:8080}
 * @param token the payment system's credential ({@code .spillway/payment-token} locally)
 */
@ConfigurationProperties("spillway.notifier.demo-payment")
record DemoPaymentProperties(String ingestUrl, String token) {

    DemoPaymentProperties {
        token = token == null || token.isBlank() ? null : token.strip();
        ingestUrl = PageProperties.base(ingestUrl, "spillway.notifier.demo-payment.ingest-url");
        if (token != null && ingestUrl.isEmpty()) {
            throw new IllegalArgumentException(
                    "spillway.notifier.demo-payment.ingest-url is required with spillway.notifier.demo-payment.token");
        }
    }

    boolean enabled() {
        return token != null;
    }

    /** Without the token: settings may be logged. */
    @Override
    public String toString() {
        return "DemoPaymentProperties[ingestUrl=" + ingestUrl + ", enabled=" + enabled() + "]";
    }
}
