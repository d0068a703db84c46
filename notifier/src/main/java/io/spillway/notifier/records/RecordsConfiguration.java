package io.spillway.notifier.records;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.notifier.NotifierProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The read-only lookup of decided orders in PostgreSQL, when {@code spillway.notifier.records.url} is set. */
@Configuration(proxyBeanMethods = false)
class RecordsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RecordsConfiguration.class);

    /** Closed with the context (its pool and thread): Spring calls {@code close} on the JDBC one. */
    @Bean
    OrderRecords orderRecords(NotifierProperties settings, ObjectProvider<CircuitBreakerRegistry> breakers,
            MeterRegistry meters) {
        if (!settings.records().enabled()) {
            log.warn("spillway.notifier.records.url is not set: decided orders stay in the order-status table until "
                    + "spillway.notifier.status-retention ({}), and after that read QUEUED", settings.statusRetention());
            return OrderRecords.NONE;
        }
        CircuitBreaker breaker = breakers.getIfAvailable(CircuitBreakerRegistry::ofDefaults).circuitBreaker("order-records");
        return new JdbcOrderRecords(settings.records(), breaker, meters);
    }
}
