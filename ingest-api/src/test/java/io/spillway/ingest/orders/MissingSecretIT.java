package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.spillway.ingest.IngestApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/** Without the order token secret the service refuses to start, and says which setting is missing. */
class MissingSecretIT {

    @Test
    void startUpFailsNamingTheSecret() {
        // An environment without the process environment and system properties, so that a secret
        // set on the machine running the tests cannot hide the failure.
        StandardEnvironment bare = new StandardEnvironment() {
            @Override
            protected void customizePropertySources(MutablePropertySources sources) {}
        };

        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(IngestApplication.class)
                .environment(bare)
                .run("--server.port=0", "--spillway.topics.create=false",
                        "--spring.kafka.bootstrap-servers=127.0.0.1:1")
                .close());

        assertThat(failure).isNotNull();
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertThat(root).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spillway.order-token.secret")
                .hasMessageContaining("SPILLWAY_ORDER_TOKEN_SECRET");
    }
}
