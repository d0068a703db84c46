package io.spillway.inventory.cors;

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
 * CORS for the buyers' page (docs/page.md): it reads the public sale view, nothing else. Only
 * {@code GET} under {@code /api/v1/sales/}, and no {@code Authorization} header, so a page can
 * never carry the admin token to the admin endpoints from another origin.
 *
 * <p>Limits: exact origins only, no credentials.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CorsProperties.class)
class PageCors {

    @Bean
    FilterRegistrationBean<CorsFilter> pageCorsFilter(CorsProperties settings) {
        CorsConfiguration page = new CorsConfiguration();
        page.setAllowedOrigins(settings.allowedOrigins());
        page.setAllowedMethods(List.of("GET", "HEAD"));
        page.setAllowedHeaders(List.of());
        page.setAllowCredentials(false);
        page.setMaxAge(Duration.ofMinutes(10));
        UrlBasedCorsConfigurationSource paths = new UrlBasedCorsConfigurationSource();
        paths.registerCorsConfiguration("/api/v1/sales/**", page);
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(paths));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        // Off without origins: no filter, no CORS headers, every cross-origin browser call refused.
        registration.setEnabled(settings.enabled());
        return registration;
    }
}
