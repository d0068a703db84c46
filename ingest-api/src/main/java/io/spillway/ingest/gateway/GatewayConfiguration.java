package io.spillway.ingest.gateway;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Whose address the door's buckets count: the buyer's, behind a trusted gateway. */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

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
