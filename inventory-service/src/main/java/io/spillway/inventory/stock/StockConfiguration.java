package io.spillway.inventory.stock;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
class StockConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    StockGauges stockGauges(JdbcTemplate jdbc, MeterRegistry meters, StockGaugeProperties settings) {
        return new StockGauges(jdbc, meters, settings.refresh());
    }
}
