package io.spillway.notifier.status;

import io.spillway.contract.Topics;
import io.spillway.contract.spring.TopicDurability;
import io.spillway.notifier.NotifierProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.actuate.health.HealthIndicator;
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
            TopicDurability durability,
            ObjectProvider<OrderStatusListener> listener,
            ObjectProvider<OwnerChanges> ownerChanges,
            StatusStoreReadiness statusStoreReadiness,
            MeterRegistry meters) {
        Map<String, Object> config = kafka.buildStreamsProperties(sslBundles);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        config.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        // The internal topics (changelog, repartition) as durable as every other topic: spillway.topics.*.
        config.putAll(durability.streamsConfig());
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        // A poison record on either topic must not stop the table.
        config.put(StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                SkipUnreadableRecords.class);
        // A decision crosses two produce hops (repartition, status topic) before a subscriber hears of it:
        // Kafka Streams' default 100 ms linger on each would dominate the delivery latency.
        config.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 2);
        StreamsBuilderFactoryBean factory = new StreamsBuilderFactoryBean(new KafkaStreamsConfiguration(config));
        DecisionHops hops = hopTimers(meters);
        // Looked up at the first change: the listener (the subscriptions) reads the store this bean serves.
        Supplier<OrderStatusListener> subscribers = SingletonSupplier.of(listener::getObject);
        Supplier<Consumer<OrderStatus>> owner = SingletonSupplier.of(
                () -> ownerChanges.getIfAvailable(() -> status -> {}));
        factory.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
            @Override
            public void configureBuilder(StreamsBuilder builder) {
                OrderStatusTopology.build(builder, topics, settings.statusTopic(), settings.statusRetention(),
                        settings.decidedRetentionInForce(),
                        (status, timestamp) -> subscribers.get().changed(status, timestamp),
                        status -> owner.get().accept(status), hops);
            }
        });
        factory.setStreamsUncaughtExceptionHandler(failure -> {
            log.error("A stream thread of the order-status table failed; replacing it", failure);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        factory.addListener(new KafkaStreamsMicrometerListener(meters));
        // Tells readiness when the global store holds the whole status topic.
        factory.setStateRestoreListener(statusStoreReadiness);
        factory.setStateListener((now, before) -> log.info("Order-status table: {} -> {}", before, now));
        return factory;
    }

    /**
     * {@code spillway.notifier.decision.hop.latency{hop}}: from the decision record's timestamp to
     * the partitioned table ({@code table}) and to this instance's global store ({@code global});
     * with {@code spillway.notifier.delivery.latency} (to the socket) it shows where the time goes.
     */
    private static DecisionHops hopTimers(MeterRegistry meters) {
        Map<String, Timer> timers = Map.of(
                DecisionHops.TABLE, hopTimer(meters, DecisionHops.TABLE),
                DecisionHops.GLOBAL, hopTimer(meters, DecisionHops.GLOBAL));
        return (hop, recordTimestamp) -> timers.get(hop)
                .record(Math.max(0, System.currentTimeMillis() - recordTimestamp), TimeUnit.MILLISECONDS);
    }

    private static Timer hopTimer(MeterRegistry meters, String hop) {
        return Timer.builder("spillway.notifier.decision.hop.latency")
                .description("From the decision record's timestamp to a stage of the order-status table")
                .tag("hop", hop)
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    /**
     * The status topic, compacted: it is the table itself, so only each order's latest value need
     * be kept, and an instance that starts reads one record per order. Also deleted after
     * {@code spillway.notifier.status-retention} (a sale's orders are not asked about for ever), so
     * that the topic does not keep one record per order for ever. Applied when the topic is
     * created; an existing topic keeps its settings (docs/notifier.md says how to change them).
     */
    @Bean
    NewTopic orderStatusTopic(NotifierProperties settings, Topics topics, TopicDurability durability) {
        return durability.applyTo(TopicBuilder.name(settings.statusTopic()).partitions(topics.partitions()))
                .configs(OrderStatusTopology.retentionConfig(settings.statusRetention()))
                .build();
    }

    @Bean
    StatusStoreReadiness statusStoreReadiness() {
        return new StatusStoreReadiness();
    }

    /** {@code orderStatusTable} in the health groups; application.yml puts it in readiness. */
    @Bean
    HealthIndicator orderStatusTableHealthIndicator(StatusStoreReadiness statusStoreReadiness,
            StreamsBuilderFactoryBean orderStatusStreamsBuilder, Admin admin, NotifierProperties settings) {
        return new OrderStatusTableHealth(statusStoreReadiness, orderStatusStreamsBuilder, admin, settings.statusTopic());
    }

    @Bean
    OrderStatusStore orderStatusStore(StreamsBuilderFactoryBean orderStatusStreamsBuilder) {
        return new OrderStatusStore(orderStatusStreamsBuilder);
    }
}
