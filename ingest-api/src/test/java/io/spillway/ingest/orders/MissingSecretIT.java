package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.spillway.ingest.IngestApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/** Without the order token secret or the payment token the service refuses to start, and says which setting is missing. */
class MissingSecretIT {

    @Test
    void startUpFailsNamingTheSecret() {
        Throwable root = rootCauseOfStarting("--spillway.ingest.payment.tokens=missing-secret-it-payment-token-of-32-bytes");

        assertThat(root).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spillway.order-token.secret")
                .hasMessageContaining("SPILLWAY_ORDER_TOKEN_SECRET");
    }

    @Test
    void startUpFailsNamingThePaymentTokenWhenItIsMissing() {
        Throwable failure = startFailure("--spillway.order-token.secret=missing-secret-it-secret-of-at-least-32-bytes");

        assertThat(causes(failure))
                .anySatisfy(cause -> assertThat(cause.getMessage())
                        .contains("spillway.ingest.payment.tokens")
                        .contains("SPILLWAY_PAYMENT_TOKEN")
                        .contains("no payment token"));
    }

    @Test
    void startUpFailsNamingThePaymentTokenWhenItIsTooShort() {
        Throwable failure = startFailure("--spillway.order-token.secret=missing-secret-it-secret-of-at-least-32-bytes",
                "--spillway.ingest.payment.tokens=too-short");

        assertThat(causes(failure))
                .anySatisfy(cause -> assertThat(cause.getMessage())
                        .contains("spillway.ingest.payment.tokens")
                        .contains("SPILLWAY_PAYMENT_TOKEN")
                        .contains("at least 32 bytes")
                        .doesNotContain("too-short"));
    }

    private static Throwable rootCauseOfStarting(String... arguments) {
        Throwable root = startFailure(arguments);
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    private static Throwable startFailure(String... arguments) {
        // An environment without the process environment and system properties, so that a secret
        // set on the machine running the tests cannot hide the failure.
        StandardEnvironment bare = new StandardEnvironment() {
            @Override
            protected void customizePropertySources(MutablePropertySources sources) {}
        };
        String[] all = new String[arguments.length + 3];
        all[0] = "--server.port=0";
        all[1] = "--spillway.topics.create=false";
        all[2] = "--spring.kafka.bootstrap-servers=127.0.0.1:1";
        System.arraycopy(arguments, 0, all, 3, arguments.length);

        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(IngestApplication.class)
                .environment(bare)
                .run(all)
                .close());

        assertThat(failure).isNotNull();
        return failure;
    }

    private static java.util.List<Throwable> causes(Throwable failure) {
        java.util.List<Throwable> causes = new java.util.ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            causes.add(cause);
        }
        return causes;
    }
}
