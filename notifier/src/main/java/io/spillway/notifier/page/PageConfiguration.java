package io.spillway.notifier.page;

import io.spillway.contract.OrderTokens;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The buyers' page and, on the local stack only, its demo payment button. */
@Configuration(proxyBeanMethods = false)
class PageConfiguration {

    @Bean
    RouterFunction<ServerResponse> buyersPageRoute(
            PageProperties page, DemoPaymentProperties demoPayment, ObjectProvider<OrderTokens> tokens) {
        RouterFunction<ServerResponse> routes = new PageRoutes(page, demoPayment.enabled()).route();
        if (!demoPayment.enabled()) {
            return routes;
        }
        OrderTokens orderTokens = tokens.getIfAvailable();
        if (orderTokens == null) {
            throw new IllegalStateException("the demo payment checks order tokens: spillway.order-token.secret is required");
        }
        return routes.and(new DemoPayment(orderTokens, demoPayment).route());
    }
}
