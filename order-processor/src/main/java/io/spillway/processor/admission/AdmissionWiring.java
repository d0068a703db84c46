package io.spillway.processor.admission;

import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.admission.AdmissionTokens;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.spring.AdmissionKeysConfigured;
import io.spillway.processor.OpeningProperties;
import io.spillway.processor.ProcessorProperties;
import io.spillway.processor.publish.OutboxRelay;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The admitter, on only where the admission keys are configured ({@code spillway.admission.keys}, the
 * same condition as the {@link AdmissionTokens} bean): it cannot admit without signing. Without them
 * it says so once at start-up and the processor decides orders as before.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(AdmissionKeysConfigured.class)
class AdmissionWiring {

    @Bean
    AdmissionOutbox admissionOutbox(
            JdbcTemplate jdbc,
            @Qualifier("deadLetterTemplate") KafkaTemplate<byte[], byte[]> producer,
            AdmissionTopics topics,
            ProcessorProperties settings) {
        return new AdmissionOutbox(jdbc, producer, topics, settings);
    }

    @Bean
    AdmissionMetrics admissionMetrics(MeterRegistry meters) {
        return new AdmissionMetrics(meters);
    }

    @Bean
    EntryStore entryStore(JdbcTemplate jdbc, PlatformTransactionManager transactions, AdmissionOutbox outbox) {
        return new EntryStore(jdbc, transactions, outbox);
    }

    @Bean
    AdmissionStep admissionStep(
            JdbcTemplate jdbc,
            PlatformTransactionManager transactions,
            AdmissionOutbox outbox,
            AdmissionTokens tokens,
            OpeningProperties opening,
            ProcessorProperties settings,
            Clock processorClock) {
        return new AdmissionStep(jdbc, transactions, outbox, tokens, opening, settings, processorClock);
    }

    @Bean
    EntryListener entryListener(
            EntryStore store,
            AdmissionStep step,
            AdmissionOutbox outbox,
            OutboxRelay relay,
            AdmissionTopics topics,
            OpeningProperties opening,
            ProcessorProperties settings,
            AdmissionMetrics metrics,
            Clock processorClock) {
        return new EntryListener(store, step, outbox, relay, topics, opening, settings, metrics, processorClock);
    }

    /**
     * The entries' containers: batches, offsets committed by the listener after its transaction, a
     * short poll and idle interval (the steps run between polls and on idle events, so these bound how
     * late an admission, an expiry or a close is), and the processor's retrying error handler.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<byte[], byte[]> admissionListenerContainerFactory(
            KafkaProperties kafka,
            ProcessorProperties settings,
            DefaultErrorHandler orderBatchErrorHandler,
            MeterRegistry meters) {
        Map<String, Object> config = kafka.buildConsumerProperties(null);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        DefaultKafkaConsumerFactory<byte[], byte[]> consumers =
                new DefaultKafkaConsumerFactory<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumers.addListener(new MicrometerConsumerListener<>(meters));
        ConcurrentKafkaListenerContainerFactory<byte[], byte[]> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumers);
        factory.setBatchListener(true);
        factory.setConcurrency(settings.admission().concurrency());
        factory.getContainerProperties().setAckMode(AckMode.MANUAL);
        long interval = settings.admission().stepInterval().toMillis();
        factory.getContainerProperties().setPollTimeout(interval);
        factory.getContainerProperties().setIdleEventInterval(interval);
        factory.getContainerProperties().setIdleBeforeDataMultiplier(1.0);
        factory.setCommonErrorHandler(orderBatchErrorHandler);
        return factory;
    }
}
