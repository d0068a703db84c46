package io.spillway.ingest.cors;

import io.spillway.contract.spring.CorsProperties;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * CORS for the buyers' page (docs/page.md), only for what the page calls: placing an order,
 * cancelling it, and joining a room's line. The payment and leave endpoints stay out of reach of
 * browsers (the payment system and the shop call them server to server), and so does every other
 * path. A filter, first of all, so that preflights and
 * the door's early answers (429, 503, 413) carry the headers too, and the page can read their
 * {@code Retry-After}.
 *
 * <p>Limits: no credentials (the page sends none: the order's access token is in the query) and
 * exact origins only.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CorsProperties.class)
class PageCors {

    @Bean
    FilterRegistrationBean<CorsFilter> pageCorsFilter(CorsProperties settings) {
        CorsConfiguration page = new CorsConfiguration();
        page.setAllowedOrigins(settings.allowedOrigins());
        page.setAllowedMethods(List.of("POST"));
        page.setAllowedHeaders(List.of("Content-Type", "Idempotency-Key", "X-Customer-Id"));
        page.setExposedHeaders(List.of("Location", "Retry-After", "RateLimit", "RateLimit-Policy"));
        page.setAllowCredentials(false);
        page.setMaxAge(Duration.ofMinutes(10));
        UrlBasedCorsConfigurationSource paths = new UrlBasedCorsConfigurationSource();
        paths.registerCorsConfiguration("/api/v1/orders", page);
        paths.registerCorsConfiguration("/api/v1/orders/{orderId}/cancel", page);
        paths.registerCorsConfiguration("/api/v1/rooms/{roomId}/entries", page);
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(paths));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        // Off without origins: no filter, no CORS headers, every cross-origin browser call refused.
        registration.setEnabled(settings.enabled());
        return registration;
    }
}
