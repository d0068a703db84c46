package io.spillway.notifier.status;

import io.spillway.contract.Topics;
import io.spillway.notifier.NotifierProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;
import org.springframework.util.function.SingletonSupplier;

/**
 * Runs the order-status topology in this application. The factory bean is configured here rather
 * than through {@code @EnableKafkaStreams} so that its settings live in one visible place.
 */
@Configuration(proxyBeanMethods = false)
class OrderStatusStreams {

    private static final Logger log = LoggerFactory.getLogger(OrderStatusStreams.class);

    @Bean
    StreamsBuilderFactoryBean orderStatusStreamsBuilder(
            KafkaProperties kafka,
            SslBundles sslBundles,
            NotifierProperties settings,
            Topics topics,
            ObjectProvider<OrderStatusListener> listener,
            ObjectProvider<OwnerChanges> ownerChanges,
            MeterRegistry meters) {
        Map<String, Object> config = kafka.buildStreamsProperties(sslBundles);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        config.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topics.replicationFactor());
        // A poison record on either topic must not stop the table.
        config.put(StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                SkipUnreadableRecords.class);
        // A decision crosses two produce hops (repartition, status topic) before a subscriber hears of it:
        // Kafka Streams' default 100 ms linger on each would dominate the delivery latency.
        config.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        StreamsBuilderFactoryBean factory = new StreamsBuilderFactoryBean(new KafkaStreamsConfiguration(config));
        // Looked up at the first change: the listener (the subscriptions) reads the store this bean serves.
        Supplier<OrderStatusListener> subscribers = SingletonSupplier.of(listener::getObject);
        Supplier<Consumer<OrderStatus>> owner = SingletonSupplier.of(
                () -> ownerChanges.getIfAvailable(() -> status -> {}));
        factory.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
            @Override
            public void configureBuilder(StreamsBuilder builder) {
                OrderStatusTopology.build(builder, topics, settings.statusTopic(),
                        (status, timestamp) -> subscribers.get().changed(status, timestamp),
                        status -> owner.get().accept(status));
            }
        });
        factory.setStreamsUncaughtExceptionHandler(failure -> {
            log.error("A stream thread of the order-status table failed; replacing it", failure);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        factory.addListener(new KafkaStreamsMicrometerListener(meters));
        factory.setStateListener((now, before) -> log.info("Order-status table: {} -> {}", before, now));
        return factory;
    }

    /**
     * The status topic, compacted: it is the table itself, so only each order's latest value need
     * be kept, and an instance that starts reads one record per order.
     */
    @Bean
    NewTopic orderStatusTopic(NotifierProperties settings, Topics topics) {
        return TopicBuilder.name(settings.statusTopic())
                .partitions(topics.partitions())
                .replicas(topics.replicationFactor())
                .compact()
                .build();
    }

    @Bean
    OrderStatusStore orderStatusStore(StreamsBuilderFactoryBean orderStatusStreamsBuilder) {
        return new OrderStatusStore(orderStatusStreamsBuilder);
    }
}
