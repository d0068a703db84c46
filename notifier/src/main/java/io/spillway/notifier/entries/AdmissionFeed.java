package io.spillway.notifier.entries;

import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.notifier.feed.WholeTopicReader;
import io.spillway.notifier.orders.EventStream.Road;
import io.spillway.notifier.orders.Subscriptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole admissions topic into this instance's {@link AdmissionsView}, from its beginning,
 * and tells the open entry streams of every change. No consumer group, no commits: every instance
 * reads every partition (the view must answer for any entry), and starts again from the beginning
 * when it restarts. Partitions added later are picked up within
 * {@link WholeTopicReader#PARTITION_REFRESH}.
 *
 * <p>A record the contract's reader refuses (not JSON, an unknown {@code type} or
 * {@code schemaVersion}, a missing field) is skipped and counted ({@link AdmissionsView#skipped()});
 * it never stops the view. Decided entries leave the view {@code retention} after their decision,
 * looked at once a minute.
 *
 * <p>Limits: a restarted instance reads the topic's whole retention before it is ready
 * ({@link #caughtUp()}); entries answered before then read as waiting with no place.
 */
final class AdmissionFeed extends WholeTopicReader {

    private static final Logger log = LoggerFactory.getLogger(AdmissionFeed.class);

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration SWEEP = Duration.ofMinutes(1);

    private final AdmissionsView view;
    private final Subscriptions subscriptions;
    private final Duration retention;
    private final Clock clock;
    private volatile boolean caughtUp;
    private Map<TopicPartition, Long> startEnd = Map.of();
    private long sweepAt;

    AdmissionFeed(String topic, Map<String, Object> consumerConfig, String clientId, AdmissionsView view,
            Subscriptions subscriptions, Duration retention, Clock clock) {
        super(topic, clientId, consumerConfig, POLL);
        this.view = view;
        this.subscriptions = subscriptions;
        this.retention = retention;
        this.clock = clock;
    }

    /** Whether the view holds every record that was on the topic when this instance started. */
    boolean caughtUp() {
        return caughtUp;
    }

    @Override
    protected void positionAtStart(KafkaConsumer<byte[], byte[]> kafka, Set<TopicPartition> assigned) {
        kafka.seekToBeginning(assigned);
        startEnd = kafka.endOffsets(assigned);
        sweepAt = System.nanoTime() + SWEEP.toNanos();
    }

    @Override
    protected void noTopicYet() {
        // Nothing was published, so the view is as whole as it can be.
        caughtUp = true;
    }

    @Override
    protected void afterPoll(KafkaConsumer<byte[], byte[]> kafka) {
        if (!caughtUp && startEnd.entrySet().stream().allMatch(end -> kafka.position(end.getKey()) >= end.getValue())) {
            caughtUp = true;
            log.info("Admissions view caught up: {} entries", view.entries());
        }
        long now = System.nanoTime();
        if (now - sweepAt >= 0) {
            sweepAt = now + SWEEP.toNanos();
            view.forget(clock.instant().minus(retention));
        }
    }

    @Override
    protected void handle(ConsumerRecord<byte[], byte[]> record) {
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
}
