package io.spillway.ingest.ratelimit;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The door's rate limits, from {@code spillway.ingest.rate-limit.*}, and whose address they count. */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

    @Bean
    RateLimits rateLimits(RateLimitProperties properties) {
        return new RateLimits(properties);
    }

    /** Only when a gateway is trusted: otherwise every request keeps its connection's address. */
    @Bean
    FilterRegistrationBean<ForwardedForFilter> forwardedForFilter(GatewayProperties gateway) {
        ForwardedFor forwardedFor = new ForwardedFor(gateway.trustedProxies());
        FilterRegistrationBean<ForwardedForFilter> registration = new FilterRegistrationBean<>(new ForwardedForFilter(forwardedFor));
        registration.setEnabled(forwardedFor.enabled());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
