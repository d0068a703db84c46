package io.spillway.ingest.ratelimit;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The door's rate limits, from {@code spillway.ingest.rate-limit.*}. Whose address they count is
 * {@code gateway}'s concern.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

    @Bean
    RateLimits rateLimits(RateLimitProperties properties) {
        return new RateLimits(properties);
    }
}
