package io.spillway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

class ObservabilityDefaultsTest {

    private final ObservabilityDefaults defaults = new ObservabilityDefaults();

    @Test
    void tagsEveryMeterWithTheApplicationName() {
        MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "ingest-api");
        defaults.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("management.metrics.tags.application")).isEqualTo("ingest-api");
        assertThat(environment.getProperty(
                "management.metrics.distribution.percentiles-histogram.http.server.requests", Boolean.class)).isTrue();
    }

    @Test
    void aServicesOwnSettingWins() {
        MockEnvironment environment = new MockEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("application.yml",
                Map.of("management.metrics.distribution.percentiles-histogram.http.server.requests", "false")));
        defaults.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty(
                "management.metrics.distribution.percentiles-histogram.http.server.requests", Boolean.class)).isFalse();
    }
}
