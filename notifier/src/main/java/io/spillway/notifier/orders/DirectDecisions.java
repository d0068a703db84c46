package io.spillway.notifier.orders;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spillway.contract.EventJson;
import io.spillway.contract.OrderId;
import io.spillway.notifier.status.DecisionHops;
import io.spillway.notifier.status.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
 * The direct feed: this instance's own plain consumer of {@code orders.results}, which hands each
 * result (decision, end of a hold, refused payment) straight to the local streams of its order. The order-status table takes two Kafka
 * Streams hops (repartition, then the status topic) and falls behind at thousands of decisions a
 * second; this path costs one fetch and, for an order someone here waits for, one parse.
 *
 * <p>No consumer group: it is assigned every partition and starts at the end when the instance
 * starts (what happened before is in the table). Partitions added later are picked up within
 * {@link #PARTITION_REFRESH} and read from their beginning. It never commits.
 *
 * <p>Cheap by design: the record key (the order id, by the contract) is checked against the open
 * streams first and the value is read only for an order someone waits for, with the contract's
 * reader ({@link EventJson}), as the table reads it. Handing over never blocks: a stream only takes
 * note of the decision and asks its worker pool for a step, so a slow client cannot hold up the
 * poll loop.
 *
 * <p>Limits: it is a shortcut, not the record. A decision this feed misses (the instance just
 * started, the consumer failed) still reaches the stream through the table; how a stream merges
 * the two roads is {@link OrderStream}'s rule. GET and late subscribers answer from the table
 * only, so for a moment after a stream ended with the decision, GET may still say QUEUED.
 */
final class DirectDecisions implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DirectDecisions.class);

    static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final String topic;
    private final Map<String, Object> config;
    private final Subscriptions subscriptions;
    private final Timer polled;
    private final String threadName;
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    /**
     * @param consumerConfig the application's consumer settings (bootstrap servers, security); the
     *     group, commits, offsets reset and deserializers are this class's own
     */
    DirectDecisions(String topic, Map<String, Object> consumerConfig, String clientId,
            Subscriptions subscriptions, MeterRegistry meters) {
        this.topic = topic;
        this.subscriptions = subscriptions;
        this.threadName = clientId;
        Map<String, Object> config = new java.util.HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only for partitions added while running: every decision in them is new. Start-up seeks to the end.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.config = Map.copyOf(config);
        // The per-hop metric of the table (DecisionHops.TABLE, GLOBAL), one hop more: the direct feed's lag.
        this.polled = Timer.builder("spillway.notifier.decision.hop.latency")
                .description("From the decision record's timestamp to a stage of the order-status table")
                .tag("hop", DecisionHops.DIRECT)
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name(threadName).start(this::run);
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
            // Decisions from before this instance started are in the table; nobody here waited for them.
            kafka.seekToEnd(assigned);
            // Resolved now, not at the first poll: "the end" is the end at start-up.
            assigned.forEach(kafka::position);
            log.info("Direct feed of {} reading {} partitions from their end", topic, assigned.size());
            long refreshAt = System.nanoTime() + PARTITION_REFRESH.toNanos();
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : kafka.poll(POLL)) {
                        handle(record);
                    }
                    if (System.nanoTime() - refreshAt >= 0) {
                        refreshAt = System.nanoTime() + PARTITION_REFRESH.toNanos();
                        assigned = refresh(kafka, assigned);
                    }
                } catch (WakeupException stopping) {
                    // stop() woke the poll: the loop condition ends it.
                } catch (RuntimeException failure) {
                    // The table still delivers what this feed misses meanwhile.
                    log.warn("Direct feed of {} failed to poll; retrying", topic, failure);
                    pause();
                }
            }
        } catch (WakeupException stopping) {
            // Stopped while waiting for the topic.
        } catch (RuntimeException failure) {
            log.error("Direct feed of {} stopped; decisions reach streams through the order-status table only",
                    topic, failure);
        } finally {
            consumer = null;
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        polled.record(Math.max(0, System.currentTimeMillis() - record.timestamp()), TimeUnit.MILLISECONDS);
        OrderId keyed = record.key() == null ? null
                : OrderId.parseOrNull(new String(record.key(), StandardCharsets.ISO_8859_1));
        if (keyed != null && !subscriptions.watches(keyed)) {
            // The common case: nobody here waits for this order, and the value is never read.
            return;
        }
        OrderStatus decision = read(record.value());
        if (decision != null && (keyed == null || subscriptions.watches(decision.orderId()))) {
            subscriptions.decided(decision, record.timestamp());
        }
    }

    /**
     * What the result says of its order (a decision, the end of a hold, a refused payment) as an
     * update of its status, or null for a record the contract's reader refuses (an unknown type
     * included): the table's reader refuses it too, so no stream would ever hear of it.
     */
    static OrderStatus read(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return OrderStatus.of(EventJson.readResult(value));
        } catch (RuntimeException unreadable) {
            // MalformedEventException, or anything else a malformed record provokes: the poll loop goes on.
            return null;
        }
    }

    private Set<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> kafka) {
        while (running) {
            try {
                Set<TopicPartition> partitions = partitions(kafka);
                if (!partitions.isEmpty()) {
                    return partitions;
                }
            } catch (WakeupException stopping) {
                throw stopping;
            } catch (RuntimeException notYet) {
                log.debug("Direct feed: {} not readable yet", topic, notYet);
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
        log.info("Direct feed of {} now reads {} partitions", topic, now.size());
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
