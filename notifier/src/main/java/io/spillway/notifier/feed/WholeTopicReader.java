package io.spillway.notifier.feed;

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
 * A plain consumer on a thread of its own that is assigned every partition of one topic, without a
 * consumer group and without commits: what every notifier instance needs when it must see every
 * record itself (the direct decisions feed, the admissions view). It waits for the topic to exist,
 * lets the subclass choose where to start, hands over each record, and picks up partitions added
 * later within {@link #PARTITION_REFRESH}, reading them from their beginning. A failed poll is
 * logged and tried again after a second; {@link #stop()} wakes the poll.
 *
 * <p>Limits: records are handed over on the polling thread: a subclass that blocks holds up the
 * whole topic.
 */
public abstract class WholeTopicReader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WholeTopicReader.class);

    public static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final String topic;
    private final String name;
    private final Map<String, Object> config;
    private final Duration poll;
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    /**
     * @param name the thread's name and the consumer's client id; also how the logs name this reader
     * @param consumerConfig the application's consumer settings (bootstrap servers, security); the
     *     group, commits, offsets reset and deserializers are this class's own
     */
    protected WholeTopicReader(String topic, String name, Map<String, Object> consumerConfig, Duration poll) {
        this.topic = topic;
        this.name = name;
        this.poll = poll;
        Map<String, Object> settings = new HashMap<>(consumerConfig);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // For partitions added while running: every record in them is new to this reader.
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.config = Map.copyOf(settings);
    }

    /** Where to start reading the partitions the topic had when the reader found it. */
    protected abstract void positionAtStart(KafkaConsumer<byte[], byte[]> kafka, Set<TopicPartition> assigned);

    /** One record; must not block. */
    protected abstract void handle(ConsumerRecord<byte[], byte[]> record);

    /** After every poll, on the polling thread (caught-up checks, sweeps). */
    protected void afterPoll(KafkaConsumer<byte[], byte[]> kafka) {}

    /** The topic does not exist (yet): nothing was published to it. */
    protected void noTopicYet() {}

    /** What a reader that stopped for good leaves its users with, for the log. */
    protected String whenStopped() {
        return "";
    }

    protected final String topic() {
        return topic;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name(name).start(this::run);
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
            positionAtStart(kafka, assigned);
            long refreshAt = System.nanoTime() + PARTITION_REFRESH.toNanos();
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : kafka.poll(poll)) {
                        handle(record);
                    }
                    afterPoll(kafka);
                    if (System.nanoTime() - refreshAt >= 0) {
                        refreshAt = System.nanoTime() + PARTITION_REFRESH.toNanos();
                        assigned = refresh(kafka, assigned);
                    }
                } catch (WakeupException stopping) {
                    // stop() woke the poll: the loop condition ends it.
                } catch (RuntimeException failure) {
                    log.warn("{} failed to poll {}; retrying", name, topic, failure);
                    pause();
                }
            }
        } catch (WakeupException stopping) {
            // Stopped while waiting for the topic.
        } catch (RuntimeException failure) {
            log.error("{} of {} stopped{}", name, topic, whenStopped(), failure);
        } finally {
            consumer = null;
        }
    }

    private Set<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> kafka) {
        while (running) {
            try {
                Set<TopicPartition> partitions = partitions(kafka);
                if (!partitions.isEmpty()) {
                    return partitions;
                }
                noTopicYet();
            } catch (WakeupException stopping) {
                throw stopping;
            } catch (RuntimeException notYet) {
                log.debug("{}: {} not readable yet", name, topic, notYet);
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
        log.info("{} now reads {} partitions of {}", name, now.size(), topic);
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
