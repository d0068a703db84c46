package io.spillway.contract.spring;

import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code spillway.cors.*}: the origins of the buyers' page that may call this service from a browser.
 * Empty (the default): no CORS at all, as in production, where the gateway serves the page and the
 * API from one origin. Locally the page is on the notifier's port, and {@code ./spillway up} sets
 * this to the notifier's origin. Each service that the page calls (ingest-api, inventory-service)
 * enables it beside its own {@code PageCors}, which says what the page may call there.
 *
 * @param allowedOrigins exact origins, such as {@code http://127.0.0.1:8081}; no wildcards
 */
@ConfigurationProperties("spillway.cors")
public record CorsProperties(List<String> allowedOrigins) {

    public CorsProperties {
        allowedOrigins = allowedOrigins == null ? List.of()
                : allowedOrigins.stream().map(String::strip).filter(origin -> !origin.isEmpty()).toList();
        for (String origin : allowedOrigins) {
            URI uri = parse(origin);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getRawAuthority() == null
                    || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
                throw new IllegalArgumentException("spillway.cors.allowed-origins takes origins such as "
                        + "http://127.0.0.1:8081 (scheme, host and port, no path, no wildcard), not " + origin);
            }
        }
    }

    public boolean enabled() {
        return !allowedOrigins.isEmpty();
    }

    private static URI parse(String origin) {
        try {
            return URI.create(origin);
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("spillway.cors.allowed-origins: not an origin: " + origin, malformed);
        }
    }
}
