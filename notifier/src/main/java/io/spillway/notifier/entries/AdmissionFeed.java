package io.spillway.notifier.entries;

import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.notifier.orders.EventStream.Road;
import io.spillway.notifier.orders.Subscriptions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the whole admissions topic into this instance's {@link AdmissionsView}, from its beginning,
 * and tells the open entry streams of every change. No consumer group, no commits: every instance
 * reads every partition (the view must answer for any entry), and starts again from the beginning
 * when it restarts. Partitions added later are picked up within {@link #PARTITION_REFRESH}.
 *
 * <p>A record the contract's reader refuses (not JSON, an unknown {@code type} or
 * {@code schemaVersion}, a missing field) is skipped and counted ({@link AdmissionsView#skipped()});
 * it never stops the view. Decided entries leave the view {@code retention} after their decision,
 * looked at once a minute.
 *
 * <p>Limits: a restarted instance reads the topic's whole retention before it is ready
 * ({@link #caughtUp()}); entries answered before then read as waiting with no place.
 */
final class AdmissionFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AdmissionFeed.class);

    static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration SWEEP = Duration.ofMinutes(1);

    private final String topic;
    private final Map<String, Object> config;
    private final AdmissionsView view;
    private final Subscriptions subscriptions;
    private final Duration retention;
    private final Clock clock;
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    AdmissionFeed(String topic, Map<String, Object> consumerConfig, String clientId, AdmissionsView view,
            Subscriptions subscriptions, Duration retention, Clock clock) {
        this.topic = topic;
        this.view = view;
        this.subscriptions = subscriptions;
        this.retention = retention;
        this.clock = clock;
        Map<String, Object> settings = new HashMap<>(consumerConfig);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.config = Map.copyOf(settings);
    }

    /** Whether the view holds every record that was on the topic when this instance started. */
    boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("admissions-view").start(this::run);
    }

    @Override
    public void stop() {
        Thread polling;
        synchronized (this) {
            running = false;
            polling = thread;
            thread = null;
        }
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (polling != null) {
            try {
                polling.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(config)) {
            consumer = kafka;
            Set<TopicPartition> assigned = awaitPartitions(kafka);
            if (assigned.isEmpty()) {
                return;
            }
            kafka.assign(assigned);
            kafka.seekToBeginning(assigned);
            Map<TopicPartition, Long> startEnd = kafka.endOffsets(assigned);
            long refreshAt = System.nanoTime() + PARTITION_REFRESH.toNanos();
            long sweepAt = System.nanoTime() + SWEEP.toNanos();
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : kafka.poll(POLL)) {
                        handle(record);
                    }
                    if (!caughtUp && startEnd.entrySet().stream()
                            .allMatch(end -> kafka.position(end.getKey()) >= end.getValue())) {
                        caughtUp = true;
                        log.info("Admissions view caught up: {} entries", view.entries());
                    }
                    long now = System.nanoTime();
                    if (now - refreshAt >= 0) {
                        refreshAt = now + PARTITION_REFRESH.toNanos();
                        assigned = refresh(kafka, assigned);
                    }
                    if (now - sweepAt >= 0) {
                        sweepAt = now + SWEEP.toNanos();
                        view.forget(clock.instant().minus(retention));
                    }
                } catch (WakeupException stopping) {
                    // stop() woke the poll: the loop condition ends it.
                } catch (RuntimeException failure) {
                    log.warn("Admissions view of {} failed to poll; retrying", topic, failure);
                    pause();
                }
            }
        } catch (WakeupException stopping) {
            // Stopped while waiting for the topic.
        } catch (RuntimeException failure) {
            log.error("Admissions view of {} stopped", topic, failure);
        } finally {
            consumer = null;
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        AdmissionEvent event;
        try {
            event = AdmissionJson.readEvent(record.value());
        } catch (RuntimeException unreadable) {
            // MalformedEventException, or anything else a malformed record provokes (a null value included).
            view.skipped();
            log.debug("Skipped an unreadable record at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return;
        }
        EntryStatus changed = view.apply(event);
        if (changed != null) {
            subscriptions.offer(changed.entryId(), changed, record.timestamp(), Road.TABLE);
        }
    }

    private Set<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> kafka) {
        while (running) {
            try {
                Set<TopicPartition> partitions = partitions(kafka);
                if (!partitions.isEmpty()) {
                    return partitions;
                }
                // No topic yet: nothing was published, so the view is as whole as it can be.
                caughtUp = true;
            } catch (WakeupException stopping) {
                throw stopping;
            } catch (RuntimeException notYet) {
                log.debug("Admissions view: {} not readable yet", topic, notYet);
            }
            pause();
        }
        return Set.of();
    }

    private Set<TopicPartition> refresh(KafkaConsumer<byte[], byte[]> kafka, Set<TopicPartition> assigned) {
        Set<TopicPartition> now = partitions(kafka);
        if (now.isEmpty() || now.equals(assigned)) {
            return assigned;
        }
        // Partitions kept keep their position; new ones start at their beginning (auto.offset.reset).
        kafka.assign(now);
        return now;
    }

    private Set<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> kafka) {
        List<PartitionInfo> infos = kafka.partitionsFor(topic, Duration.ofSeconds(5));
        Set<TopicPartition> partitions = new HashSet<>();
        if (infos != null) {
            infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
        return partitions;
    }

    private void pause() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
