package io.spillway.inventory.sales;

import io.micrometer.observation.ObservationPredicate;
import io.spillway.inventory.InventoryProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The web settings of the sales API: the body limit of {@code POST /api/v1/sales}, and the warm-up's
 * own requests kept out of the request meters and traces ({@link SaleViewWarmup}).
 */
@Configuration(proxyBeanMethods = false)
class SalesWeb {

    @Bean
    FilterRegistrationBean<SaleBodyLimit> saleBodyLimit(InventoryProperties settings) {
        FilterRegistrationBean<SaleBodyLimit> registration =
                new FilterRegistrationBean<>(new SaleBodyLimit(settings.maxSaleBody().toBytes()));
        registration.addUrlPatterns("/api/v1/sales");
        return registration;
    }

    @Bean
    ObservationPredicate warmupUnobserved(SaleViewWarmup warmup) {
        return (name, context) -> !warmup.unobserved(context);
    }
}
