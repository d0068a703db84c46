package io.spillway.processor.admission;

import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.EntryCommand;
import io.spillway.contract.admission.RoomId;
import io.spillway.processor.OpeningProperties;
import io.spillway.processor.ProcessorProperties;
import io.spillway.processor.intake.LineWatermarks;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.processor.publish.OutboxRelay;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The admitter's consumer of {@link AdmissionTopics#entries} (its own group): each poll is stored in
 * one transaction ({@link EntryStore}), its events published, its dead letters sent, and only then its
 * offsets committed; a failed poll is retried from the same records by the error handler, like an
 * order poll. A record that cannot be read, is keyed otherwise than by its room, or names a room
 * {@code rooms} does not know goes to {@code orders.dlq} as received; the partition never stops.
 *
 * <p>Between polls (at most every {@code step-interval}, at once after a poll that ended admissions)
 * and on the container's idle events, the {@link AdmissionStep} of every room this consumer owns:
 * the rooms whose key falls in an assigned partition. Owning is what makes one instance step a room;
 * the step's fence is what makes the limits hold when two do.
 *
 * <p>Limits: per consumer thread; a slow poll delays the steps as much. A room whose records are
 * written with a partitioner other than the default is stepped by the owner of the partition its key
 * hashes to (correct behind the fence, but its entries then reach the step later).
 */
final class EntryListener {

    /** The container's id in {@code KafkaListenerEndpointRegistry}. */
    static final String ID = "order-processor-admission";

    private static final Logger log = LoggerFactory.getLogger(EntryListener.class);

    private final EntryStore store;
    private final AdmissionStep step;
    private final AdmissionOutbox outbox;
    private final OutboxRelay relay;
    private final AdmissionTopics topics;
    private final ProcessorProperties.Admission settings;
    private final AdmissionMetrics metrics;
    private final Clock clock;
    private final ThreadLocal<long[]> next = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});
    /** How far each owned partition has read: what a room's draw waits for, as a sale's does. */
    private final LineWatermarks watermarks;

    EntryListener(
            EntryStore store,
            AdmissionStep step,
            AdmissionOutbox outbox,
            OutboxRelay relay,
            AdmissionTopics topics,
            OpeningProperties opening,
            ProcessorProperties settings,
            AdmissionMetrics metrics,
            Clock clock) {
        this.metrics = metrics;
        this.store = store;
        this.step = step;
        this.outbox = outbox;
        this.relay = relay;
        this.topics = topics;
        this.settings = settings.admission();
        this.clock = clock;
        this.watermarks = new LineWatermarks(clock, opening.clockSkew());
    }

    @KafkaListener(
            id = ID,
            groupId = "${spillway.processor.admission.group:${spring.kafka.consumer.group-id:order-processor}-admission}",
            topics = "#{@admissionTopics.entries()}",
            containerFactory = "admissionListenerContainerFactory",
            batch = "true")
    void onBatch(List<ConsumerRecord<byte[], byte[]>> records, Acknowledgment ack, Consumer<?, ?> consumer) {
        watermarks.read(records);
        List<EntryStore.EntryCommandAt> commands = new ArrayList<>(records.size());
        Map<String, ConsumerRecord<byte[], byte[]>> sources = new HashMap<>();
        List<DeadLetter> letters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Object read = read(record);
            if (read instanceof EntryCommand command) {
                commands.add(new EntryStore.EntryCommandAt(command, record.partition(), record.offset()));
                sources.put(record.partition() + "@" + record.offset(), record);
            } else {
                letters.add((DeadLetter) read);
            }
        }
        EntryStore.Stored stored = store.store(commands, clock.instant().truncatedTo(ChronoUnit.MICROS));
        for (EntryStore.EntryCommandAt at : stored.unknownRoom()) {
            letters.add(new DeadLetter(sources.get(at.partition() + "@" + at.offset()), "unknown-room",
                    "no room " + at.command().roomId() + " in rooms"));
        }
        // Dead letters and events go out before the offsets move past their records.
        relay.deadLetter(letters);
        outbox.publish(stored.outbox());
        ack.acknowledge();
        metrics.counted("left", stored.left());
        letters.forEach(letter -> log.warn("{}-{}@{} cannot be admitted ({}: {}); dead-lettered",
                letter.source().topic(), letter.source().partition(), letter.source().offset(),
                letter.kind(), letter.cause()));
        // A freed slot is filled at once, not at the next turn.
        steps(consumer, !stored.freed().isEmpty());
    }

    /** No records for a while: the rooms still admit, expire and close on time. */
    @EventListener(condition = "event.listenerId.startsWith('" + ID + "')")
    void onIdle(ListenerContainerIdleEvent idle) {
        steps(idle.getConsumer(), false);
    }

    private void steps(Consumer<?, ?> consumer, boolean now) {
        long[] due = next.get();
        long started = System.nanoTime();
        if (!now && due[0] != Long.MIN_VALUE && started - due[0] < 0) {
            return;
        }
        boolean full = false;
        try {
            Collection<TopicPartition> assignment = consumer.assignment();
            if (!assignment.isEmpty()) {
                int partitions = consumer.partitionsFor(topics.entries()).size();
                Map<Integer, TopicPartition> owned = new HashMap<>();
                assignment.forEach(tp -> owned.put(tp.partition(), tp));
                for (RoomId room : step.rooms()) {
                    TopicPartition line = owned.get(partitionOf(room, partitions));
                    if (line != null) {
                        full |= runStep(room, consumer, line);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("the admission steps failed; trying again at the next turn", e);
        }
        due[0] = full ? started : started + settings.stepInterval().toNanos();
    }

    private boolean runStep(RoomId room, Consumer<?, ?> consumer, TopicPartition line) {
        try {
            AdmissionStep.Outcome outcome = step.run(room, instant -> watermarks.seenThrough(consumer, line, instant));
            metrics.counted("admitted", outcome.admitted());
            metrics.counted("expired", outcome.expired());
            metrics.counted("closed", outcome.closed());
            metrics.waiting(room, outcome.waiting());
            return outcome.full();
        } catch (RuntimeException e) {
            log.warn("the admission step of room {} failed; trying again at the next turn", room, e);
            return false;
        }
    }

    /** The partition the door's records of the room go to: Kafka's default partitioner on the key. */
    static int partitionOf(RoomId room, int partitions) {
        return Utils.toPositive(Utils.murmur2(room.value().getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static Object read(ConsumerRecord<byte[], byte[]> record) {
        EntryCommand command;
        try {
            command = AdmissionJson.readCommand(record.value());
        } catch (RuntimeException e) {
            return new DeadLetter(record, "unreadable", e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (!command.key().equals(key)) {
            // Keyed otherwise, it may sit in another partition than its room's line.
            return new DeadLetter(record, "key-mismatch", "the key " + key + " is not the room " + command.roomId());
        }
        return command;
    }
}
