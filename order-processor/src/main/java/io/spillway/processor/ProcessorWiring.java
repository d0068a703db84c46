package io.spillway.processor;

import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.EventJson;
import io.spillway.contract.OrderResult;
import io.spillway.processor.publish.PublicationPipeline;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.kafka.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The processor's Kafka clients and failure policy. Tunables (bootstrap servers, group id,
 * {@code max.poll.records}, concurrency, linger) come from {@code spring.kafka.*}; the settings the
 * exactly-once argument rests on are fixed here, where configuration cannot undo them: manual offset
 * commits once a batch's decisions are acknowledged, raw bytes so that any record can be
 * dead-lettered as received, and an idempotent producer acknowledged by all in-sync replicas.
 */
@Configuration(proxyBeanMethods = false)
class ProcessorWiring {

    private static final Logger log = LoggerFactory.getLogger(ProcessorWiring.class);

    @Bean
    Clock processorClock() {
        return Clock.systemUTC();
    }

    @Bean
    ConsumerFactory<byte[], byte[]> orderRequestConsumerFactory(KafkaProperties kafka, MeterRegistry meters) {
        Map<String, Object> config = kafka.buildConsumerProperties(null);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        DefaultKafkaConsumerFactory<byte[], byte[]> factory =
                new DefaultKafkaConsumerFactory<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // The client's own metrics, lag per partition among them (kafka.consumer.fetch.manager.records.lag).
        factory.addListener(new MicrometerConsumerListener<>(meters));
        return factory;
    }

    @Bean
    @SuppressWarnings({"unchecked", "rawtypes"})
    ConcurrentKafkaListenerContainerFactory<byte[], byte[]> kafkaListenerContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
            ConsumerFactory<byte[], byte[]> orderRequestConsumerFactory,
            DefaultErrorHandler orderBatchErrorHandler,
            PublicationPipeline publicationPipeline,
            ProcessorProperties settings) {
        ConcurrentKafkaListenerContainerFactory factory = new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, (ConsumerFactory) orderRequestConsumerFactory);
        factory.setBatchListener(true);
        // A batch's offsets are committed once the broker acknowledged all its decisions, which may be
        // after the listener returned (PublicationPipeline), never before.
        factory.getContainerProperties().setAckMode(AckMode.MANUAL);
        // The poll in flight is completed before partitions are given up.
        factory.getContainerProperties().setConsumerRebalanceListener(publicationPipeline);
        factory.setCommonErrorHandler(orderBatchErrorHandler);
        // The hold step runs on idle events too: every idle interval, also before a line's first order.
        factory.getContainerProperties().setIdleBeforeDataMultiplier(1.0);
        // On shutdown the batch in hand is finished, not cut short: long enough for its publication.
        factory.getContainerProperties().setStopImmediate(false);
        factory.getContainerProperties()
                .setShutdownTimeout(settings.publishTimeout().plusSeconds(5).toMillis());
        return factory;
    }

    /**
     * The command intake's containers: batches, offsets committed by the listener after its
     * transaction, and a short poll and idle interval with a short fetch wait, because how fresh its
     * watermark is bounds how late a hold expires (docs/processor.md).
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<byte[], byte[]> commandListenerContainerFactory(
            KafkaProperties kafka, ProcessorProperties settings, MeterRegistry meters) {
        Map<String, Object> config = kafka.buildConsumerProperties(null);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        DefaultKafkaConsumerFactory<byte[], byte[]> consumers =
                new DefaultKafkaConsumerFactory<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumers.addListener(new MicrometerConsumerListener<>(meters));
        ConcurrentKafkaListenerContainerFactory<byte[], byte[]> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumers);
        factory.setBatchListener(true);
        factory.getContainerProperties().setAckMode(AckMode.MANUAL);
        factory.getContainerProperties().setPollTimeout(250);
        factory.getContainerProperties().setIdleEventInterval(250L);
        // Not 5 intervals before the first record (the default): a quiet topic must raise its watermark too.
        factory.getContainerProperties().setIdleBeforeDataMultiplier(1.0);
        factory.setCommonErrorHandler(orderBatchErrorHandler(settings));
        return factory;
    }

    /**
     * A failed batch (database or broker unavailable) is retried from the same records after an
     * exponential back-off, for as long as it takes: an order is never given up because a dependency
     * is down. Between attempts the consumer is paused and keeps polling, so it stays in its group.
     */
    @Bean
    DefaultErrorHandler orderBatchErrorHandler(ProcessorProperties settings) {
        ProcessorProperties.Failures failures = settings.failures();
        ExponentialBackOff backOff =
                new ExponentialBackOff(failures.initialBackoff().toMillis(), failures.multiplier());
        backOff.setMaxInterval(failures.maxBackoff().toMillis());
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        DefaultErrorHandler handler = new DefaultErrorHandler(backOff);
        // Every exception is worth another attempt; the defaults would skip some (e.g. ClassCastException).
        handler.setClassifications(Map.of(), true);
        // A retried batch releases its own offsets once its decisions are acknowledged; the container
        // must not commit them when the retry returns, which may be before that.
        handler.setAckAfterHandle(false);
        handler.setRetryListeners(new RetryListener() {
            @Override
            public void failedDelivery(ConsumerRecord<?, ?> record, Exception failure, int attempt) {
                log.warn("attempt {} at {}-{}@{} failed; retrying", attempt, record.topic(), record.partition(),
                        record.offset(), failure);
            }

            @Override
            public void failedDelivery(ConsumerRecords<?, ?> records, Exception failure, int attempt) {
                // The batch is held, not skipped: say so at every attempt, the cause in full.
                log.warn("attempt {} at a batch of {} records failed; retrying the same records", attempt,
                        records.count(), failure);
            }
        });
        return handler;
    }

    @Bean
    DefaultKafkaProducerFactory<String, OrderResult> decisionProducerFactory(KafkaProperties kafka) {
        // A decision is written as it always was (EventJson.write and writeResult give the same JSON);
        // the end of a hold replayed with its order is a result too.
        Serializer<OrderResult> results = (topic, result) -> EventJson.writeResult(result);
        return new DefaultKafkaProducerFactory<>(reliable(kafka), new StringSerializer(), results);
    }

    @Bean
    KafkaTemplate<String, OrderResult> decisionTemplate(
            DefaultKafkaProducerFactory<String, OrderResult> decisionProducerFactory) {
        return new KafkaTemplate<>(decisionProducerFactory);
    }

    @Bean
    DefaultKafkaProducerFactory<byte[], byte[]> deadLetterProducerFactory(KafkaProperties kafka) {
        return new DefaultKafkaProducerFactory<>(reliable(kafka), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Bean
    KafkaTemplate<byte[], byte[]> deadLetterTemplate(
            DefaultKafkaProducerFactory<byte[], byte[]> deadLetterProducerFactory) {
        return new KafkaTemplate<>(deadLetterProducerFactory);
    }

    private static Map<String, Object> reliable(KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildProducerProperties(null);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return config;
    }
}
