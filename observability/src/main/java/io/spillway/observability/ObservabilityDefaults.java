package io.spillway.observability;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The observability settings every Spillway service shares, as defaults of the lowest precedence: a
 * service's {@code application.yml}, its environment and its command line all override them.
 *
 * <ul>
 *   <li>Every meter carries {@code application=<spring.application.name>}, so that dashboards and alerts
 *       select a service the same way whatever the scrape adds.
 *   <li>{@code http.server.requests} publishes its histogram: the p99 alerts and panels need buckets.
 * </ul>
 *
 * <p>Logs are plain text with {@code [traceId-spanId]} locally and JSON where the deployment asks for it
 * ({@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs}, set by infra/k8s); trace sampling and export stay
 * Spring Boot's ({@code management.tracing.sampling.probability}, {@code management.otlp.tracing.endpoint}).
 */
public class ObservabilityDefaults implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "spillwayObservabilityDefaults";

    static final Map<String, Object> DEFAULTS = Map.of(
            "management.metrics.tags.application", "${spring.application.name:spillway}",
            "management.metrics.distribution.percentiles-histogram.http.server.requests", "true");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getPropertySources().contains(SOURCE_NAME)) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, DEFAULTS));
        }
    }
}
