package io.spillway.ingest.holds;

import io.spillway.contract.EventJson;
import io.spillway.contract.HoldOpened;
import io.spillway.contract.OrderId;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Feeds the {@link HoldBook} from {@code orders.holds}: one plain consumer on its own thread,
 * assigned the topic's one partition from the beginning (no group: every instance reads every hold),
 * then following it for as long as the service runs. It notes the partition's end offset when it
 * starts and is {@linkplain #isCaughtUp() caught up} once it has read to there; until then payments
 * are answered 503, as the book could not yet tell a held order from an unknown one. Orders never
 * wait for it: it is not part of readiness, and a large holds topic cannot delay the order door.
 *
 * <p>A plain consumer rather than a second global Kafka Streams instance: it needs no state
 * directory, and a broker away for minutes only makes its polls return nothing (a global stream
 * thread dies after {@code task.timeout.ms} and must be started over). A record that is not a
 * {@link HoldOpened} is skipped and counted, never fatal; a tombstone forgets its order.
 *
 * <p>Limits: the book lags a confirmation by the processor's publish and one poll, well under a
 * second; a payment inside that window gets 404 and its retry with the same key succeeds.
 */
final class HoldsView implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HoldsView.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration END_OFFSET_WAIT = Duration.ofSeconds(5);
    /** After an unexpected failure, the wait before reading on, so that one cannot spin. */
    private static final Duration FAILURE_BACKOFF = Duration.ofSeconds(1);

    private final HoldBook book;
    private final String topic;
    private final Map<String, Object> consumerConfig;
    private final Clock clock;
    private final AtomicLong skipped = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean caughtUp;
    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread reader;

    HoldsView(HoldBook book, String topic, Map<String, Object> consumerConfig, Clock clock) {
        this.book = book;
        this.topic = topic;
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.clock = clock;
    }

    /** True once every hold on the topic when the view started is in the book. */
    boolean isCaughtUp() {
        return caughtUp;
    }

    /** Records skipped because they were not a hold this version can read. */
    long skipped() {
        return skipped.get();
    }

    @Override
    public void start() {
        running = true;
        consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        reader = Thread.ofPlatform().name("holds-view").daemon().start(this::read);
    }

    private void read() {
        TopicPartition partition = new TopicPartition(topic, 0);
        KafkaConsumer<String, byte[]> kafka = consumer;
        try (kafka) {
            kafka.assign(List.of(partition));
            kafka.seekToBeginning(List.of(partition));
            Long end = null;
            while (running) {
                try {
                    if (end == null) {
                        end = kafka.endOffsets(List.of(partition), END_OFFSET_WAIT).get(partition);
                        log.info("holds view: reading {} up to offset {}", topic, end);
                    }
                    for (ConsumerRecord<String, byte[]> record : kafka.poll(POLL)) {
                        apply(record);
                    }
                    if (!caughtUp && kafka.position(partition, END_OFFSET_WAIT) >= end) {
                        caughtUp = true;
                        log.info("holds view caught up: {} holds known", book.size());
                    }
                } catch (TimeoutException e) {
                    // The broker or the topic is not there yet: the next round asks again.
                    log.debug("holds view waiting for {}: {}", topic, e.toString());
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    log.warn("holds view: reading {} failed, reading on in {}: {}", topic, FAILURE_BACKOFF, e.toString());
                    stopped.await(FAILURE_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (WakeupException e) {
            // stop() woke the consumer: the view ends.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.value() == null) {
                book.forget(OrderId.of(record.key()));
                return;
            }
            HoldOpened hold = EventJson.readHold(record.value());
            book.open(hold.orderId(), hold.holdExpiresAt(), clock.instant());
        } catch (RuntimeException e) {
            // A newer type or a malformed record: skipped, as every reader of Spillway's topics does.
            skipped.incrementAndGet();
            log.warn("holds view: record at offset {} skipped: {}", record.offset(), e.toString());
        }
    }

    @Override
    public void stop() {
        running = false;
        caughtUp = false;
        stopped.countDown();
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
