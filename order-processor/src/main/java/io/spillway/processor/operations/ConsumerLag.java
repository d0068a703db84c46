package io.spillway.processor.operations;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.Topics;
import io.spillway.processor.ProcessorProperties;
import io.spillway.processor.intake.OrderRequestListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.stereotype.Component;

/**
 * The gauge {@code spillway.processor.lag} per partition of {@code orders.requested}: the latest
 * offset minus the group's committed offset (the whole partition when nothing is committed yet),
 * which is how KEDA's Kafka scaler counts, and which stays true while consumption is paused.
 *
 * <p>Read from the broker every {@code spillway.processor.lag-interval} on a thread of its own, so
 * the value is up to one interval old; a failed read keeps the last values.
 */
@Component
class ConsumerLag implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);

    private final KafkaProperties kafka;
    private final Topics topics;
    private final KafkaListenerEndpointRegistry listeners;
    private final MeterRegistry meters;
    private final Duration interval;
    private final Map<TopicPartition, AtomicLong> lag = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;
    private Admin admin;

    ConsumerLag(
            KafkaProperties kafka,
            Topics topics,
            KafkaListenerEndpointRegistry listeners,
            MeterRegistry meters,
            ProcessorProperties settings) {
        this.kafka = kafka;
        this.topics = topics;
        this.listeners = listeners;
        this.meters = meters;
        this.interval = settings.lagInterval();
    }

    @Override
    public synchronized void start() {
        admin = Admin.create(kafka.buildAdminProperties(null));
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("processor-lag")
                .daemon()
                .factory());
        scheduler.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            admin.close(Duration.ofSeconds(2));
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /** Last read lag of every partition, for tests and logs. */
    Map<TopicPartition, Long> current() {
        return lag.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    }

    private void refresh() {
        try {
            String group = listeners.getListenerContainer(OrderRequestListener.ID).getGroupId();
            List<TopicPartition> partitions = admin.describeTopics(List.of(topics.requested()))
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS)
                    .get(topics.requested())
                    .partitions()
                    .stream()
                    .map(info -> new TopicPartition(topics.requested(), info.partition()))
                    .toList();
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = admin.listOffsets(
                            partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest())))
                    .all()
                    .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata done = committed.get(partition);
                long end = latest.get(partition).offset();
                gauge(partition).set(Math.max(0, end - (done == null ? 0 : done.offset())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("cannot read the lag of {}; keeping the last values", topics.requested(), e);
        }
    }

    private AtomicLong gauge(TopicPartition partition) {
        return lag.computeIfAbsent(partition, p -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("spillway.processor.lag", value, AtomicLong::get)
                    .description("Orders of the partition not yet decided and committed by the group")
                    .baseUnit("records")
                    .tags("topic", p.topic(), "partition", Integer.toString(p.partition()))
                    .register(meters);
            return value;
        });
    }
}
