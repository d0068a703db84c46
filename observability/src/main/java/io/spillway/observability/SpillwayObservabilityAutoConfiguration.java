package io.spillway.observability;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Trace context through Kafka for every service. The services build their own {@code KafkaTemplate}s
 * (serializers, producer settings of their own), which Spring Boot's
 * {@code spring.kafka.template.observation-enabled} does not reach; this turns observation on for every
 * template and listener container factory in the context instead, so that each send writes the
 * current trace into the record's {@code traceparent} header and each record listener continues it.
 * {@code spillway.observability.kafka=false} turns it off.
 */
@AutoConfiguration
public class SpillwayObservabilityAutoConfiguration {

    @Bean
    KafkaTraceContext kafkaTraceContext(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return new KafkaTraceContext(tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(KafkaTemplate.class)
    @ConditionalOnProperty(name = "spillway.observability.kafka", havingValue = "true", matchIfMissing = true)
    static class KafkaObservation {

        @Bean
        static BeanPostProcessor spillwayKafkaObservation() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessBeforeInitialization(Object bean, String beanName) {
                    if (bean instanceof KafkaTemplate<?, ?> template) {
                        template.setObservationEnabled(true);
                    } else if (bean instanceof AbstractKafkaListenerContainerFactory<?, ?, ?> factory) {
                        factory.getContainerProperties().setObservationEnabled(true);
                    }
                    return bean;
                }
            };
        }
    }
}
