package io.spillway.processor.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CustomerId;
import io.spillway.contract.Draw;
import io.spillway.contract.OrderId;
import io.spillway.contract.admission.AdmissionEnded;
import io.spillway.contract.admission.AdmissionTokens;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.contract.admission.EntryClosed;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryRequested;
import io.spillway.contract.admission.EntryWaiting;
import io.spillway.contract.admission.LeaveRequested;
import io.spillway.contract.admission.RoomId;
import io.spillway.contract.admission.RoomProgress;
import io.spillway.contract.Topics;
import io.spillway.processor.OpeningProperties;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.testing.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * The admitter's rules one at a time (docs/design/admission.md, "The admitter"): the draw then
 * arrival, leave and expiry freeing slots, rate changes, pause and close applied at the next step,
 * dead letters that never stop a line, and a step's events published again after a crash between its
 * commit and its publication.
 */
class AdmissionIT extends RunningAdmitter {

    private static final Duration SETTLE = new OpeningProperties(Duration.ofMillis(500), Duration.ofMillis(100), 1).settle();

    @Autowired
    AdmissionTokens tokens;

    @Autowired
    AdmissionStep step;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void aShuffledPrequeueIsAdmittedInTheDrawAnyoneCanRecomputeThenLaterEntriesInArrivalOrder() throws Exception {
        Instant opensAt = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.MICROS);
        RoomId room = room("shuffled", opensAt, opensAt.minusSeconds(60), "SHUFFLED", 600, 0, 600);
        List<EntryRequested> prequeue = entries(room, "early", 40, Instant.now());
        List<EntryRequested> later = entries(room, "late", 10, opensAt.plusMillis(1));
        send(prequeue);
        send(later);
        await().atMost(PATIENCE).until(() -> count(
                "SELECT count(*) FROM room_lines WHERE room_id = ? AND drawn_at IS NOT NULL", room.value()) == 1);
        List<EntryRequested> afterDraw = entries(room, "after", 5, Instant.now());
        send(afterDraw);

        byte[] seed = jdbc.queryForObject("SELECT draw_seed FROM rooms WHERE room_id = ?", byte[].class, room.value());
        List<EntryRequested> expected = new ArrayList<>(prequeue.stream()
                .sorted(Comparator.comparing(entry -> Draw.key(seed, new OrderId(entry.entryId().value()))))
                .toList());
        expected.addAll(later);
        expected.addAll(afterDraw);
        Map<EntryId, EntryAdmitted> admitted = awaitAdmitted(room, expected.size());

        for (int i = 0; i < expected.size(); i++) {
            assertThat(admitted.get(expected.get(i).entryId()).line()).as("line of entry %d in draw order", i)
                    .isEqualTo(i + 1L);
        }
        assertAdmittedInLineOrder(admitted.values());
        assertThat(admitted.values()).allSatisfy(admission -> assertThat(admission.happenedAt())
                .as("nothing is admitted before every pre-queue entry could reach the line")
                .isAfterOrEqualTo(opensAt.plus(SETTLE)));
        assertThat(jdbc.queryForObject("SELECT draw_revealed_at IS NOT NULL FROM rooms WHERE room_id = ?",
                Boolean.class, room.value())).isTrue();
        // A pre-queue entry heard it waits without a place, then with its place from the draw.
        List<EntryWaiting> waiting = events.ofEntry(expected.get(0).entryId(), room, EntryWaiting.class);
        assertThat(waiting).extracting(EntryWaiting::line).containsExactly(null, 1L);
        assertThat(waiting).allMatch(EntryWaiting::prequeue);
        assertThat(events.ofEntry(later.get(0).entryId(), room, EntryWaiting.class).get(0).prequeue()).isFalse();
        assertTokens(room, admitted.values());
    }

    @Test
    void aFifoPrequeueIsAdmittedInLineOrder() throws Exception {
        Instant opensAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.MICROS);
        RoomId room = room("fifo", opensAt, opensAt.minusSeconds(60), "FIFO", 0, 0, 600);
        List<EntryRequested> prequeue = entries(room, "early", 20, Instant.now());
        send(prequeue);
        Map<EntryId, EntryAdmitted> admitted = awaitAdmitted(room, prequeue.size());
        for (int i = 0; i < prequeue.size(); i++) {
            assertThat(admitted.get(prequeue.get(i).entryId()).line()).isEqualTo(i + 1L);
        }
    }

    @Test
    void aLeaveFreesTheSlotAtOnceAndALeaveWithAnotherJtiChangesNothing() throws Exception {
        RoomId room = openRoom("leave", 0, 1, 600);
        List<EntryRequested> three = entries(room, "buyer", 3, Instant.now());
        send(three);
        EntryAdmitted first = awaitAdmitted(room, 1).get(three.get(0).entryId());
        assertThat(first).as("the first in line is admitted first").isNotNull();

        LeaveRequested forged = new LeaveRequested(1, first.entryId(), room, UUID.randomUUID(), Instant.now());
        LeaveRequested leave = new LeaveRequested(1, first.entryId(), room, first.jti(), Instant.now());
        send(List.of(forged, leave));
        EntryAdmitted second = awaitAdmitted(room, 2).get(three.get(1).entryId());

        // The end is keyed by its entry: on another partition than the admission, read a moment apart.
        await().atMost(PATIENCE).until(() -> !events.ofEntry(first.entryId(), room, AdmissionEnded.class).isEmpty());
        List<AdmissionEnded> ends = events.ofEntry(first.entryId(), room, AdmissionEnded.class);
        assertThat(ends).as("one end, by the leave with the admission's jti").hasSize(1);
        assertThat(ends.get(0).jti()).isEqualTo(first.jti());
        assertThat(ends.get(0).reason()).isEqualTo(AdmissionEnded.Reason.LEFT);
        assertThat(second.happenedAt()).isAfterOrEqualTo(ends.get(0).happenedAt());

        // The first admission's jti does not end the second's.
        send(List.of(new LeaveRequested(1, second.entryId(), room, first.jti(), Instant.now()),
                new LeaveRequested(1, second.entryId(), room, second.jti(), Instant.now())));
        EntryAdmitted third = awaitAdmitted(room, 3).get(three.get(2).entryId());
        await().atMost(PATIENCE).until(() -> !events.ofEntry(second.entryId(), room, AdmissionEnded.class).isEmpty());
        assertThat(events.ofEntry(second.entryId(), room, AdmissionEnded.class))
                .singleElement()
                .satisfies(end -> assertThat(end.jti()).isEqualTo(second.jti()));
        assertThat(third.line()).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM room_entries WHERE room_id = ? AND ended_at IS NULL AND admitted_at IS NOT NULL",
                room.value())).isEqualTo(1);
    }

    @Test
    void anExpiredAdmissionFreesItsSlot() throws Exception {
        RoomId room = openRoom("expiry", 0, 1, 2);
        List<EntryRequested> two = entries(room, "buyer", 2, Instant.now());
        send(two);
        Map<EntryId, EntryAdmitted> admitted = awaitAdmitted(room, 2);
        EntryAdmitted first = admitted.get(two.get(0).entryId());
        EntryAdmitted second = admitted.get(two.get(1).entryId());
        // The end is keyed by its entry: on another partition than the admission, read a moment apart.
        await().atMost(PATIENCE).until(() -> !events.ofEntry(first.entryId(), room, AdmissionEnded.class).isEmpty());
        AdmissionEnded expired = events.ofEntry(first.entryId(), room, AdmissionEnded.class).get(0);
        assertThat(expired.reason()).isEqualTo(AdmissionEnded.Reason.EXPIRED);
        assertThat(expired.happenedAt()).isAfterOrEqualTo(first.expiresAt());
        assertThat(second.happenedAt()).isAfterOrEqualTo(expired.happenedAt());
        assertThat(tokens.verify(first.token(), room, first.expiresAt()).refusal())
                .isEqualTo(AdmissionTokens.Refusal.EXPIRED);
    }

    @Test
    void aRateChangeTakesEffectAtTheNextStepAndAPausedRoomAdmitsNobody() throws Exception {
        RoomId room = openRoom("rates", 0, 1, 600);
        send(entries(room, "buyer", 6, Instant.now()));
        awaitAdmitted(room, 1);

        jdbc.update("UPDATE rooms SET max_active = 3 WHERE room_id = ?", room.value());
        awaitAdmitted(room, 3);

        jdbc.update("UPDATE rooms SET max_active = 6, paused = true WHERE room_id = ?", room.value());
        await().atMost(PATIENCE).until(() -> !events.of(room, RoomProgress.class,
                progress -> progress.maxActive() == 6 && !progress.opened()).isEmpty());
        assertThat(events.of(room, EntryAdmitted.class)).as("admitted while paused").hasSize(3);
        assertThat(count("SELECT count(*) FROM room_entries WHERE room_id = ? AND admitted_at IS NOT NULL", room.value()))
                .isEqualTo(3);

        jdbc.update("UPDATE rooms SET paused = false WHERE room_id = ?", room.value());
        awaitAdmitted(room, 6);
    }

    @Test
    void closingARoomClosesEveryWaitingEntryAndLeavesTheAdmittedOnes() throws Exception {
        RoomId room = openRoom("close", 0, 1, 600);
        List<EntryRequested> five = entries(room, "buyer", 5, Instant.now());
        send(five);
        EntryAdmitted first = awaitAdmitted(room, 1).get(five.get(0).entryId());
        await().atMost(PATIENCE).until(() -> count(
                "SELECT count(*) FROM room_entries WHERE room_id = ? AND line IS NOT NULL", room.value()) == 5);

        jdbc.update("UPDATE rooms SET closed_at = now() WHERE room_id = ?", room.value());
        await().atMost(PATIENCE).until(() -> events.of(room, EntryClosed.class).size() == 4);
        assertThat(events.of(room, EntryClosed.class)).extracting(EntryClosed::entryId)
                .containsExactlyInAnyOrderElementsOf(five.subList(1, 5).stream().map(EntryRequested::entryId).toList());
        assertThat(events.ofEntry(first.entryId(), room, EntryClosed.class)).isEmpty();
        await().atMost(PATIENCE).until(() -> !events.of(room, RoomProgress.class,
                progress -> !progress.opened() && progress.admittedThrough() == 5 && progress.lineLength() == 5).isEmpty());
        assertThat(events.of(room, EntryAdmitted.class)).hasSize(1);
    }

    @Test
    void aRecordOfAnUnknownRoomOrUnreadableGoesToTheDeadLetterTopicAndTheLineGoesOn() throws Exception {
        RoomId room = openRoom("dlq", 0, 0, 600);
        RoomId unknown = RoomId.of("no-such-room-" + UUID.randomUUID().toString().substring(0, 8));
        byte[] unreadable = "{\"type\":\"EntryRequested\",\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8);
        EntryRequested misKeyed = EntryRequested.of(room, CustomerId.of("mis-keyed"), Instant.now());
        producer.send(new ProducerRecord<>(ADMISSION.entries(), utf8(room.value()), unreadable)).get();
        producer.send(new ProducerRecord<>(ADMISSION.entries(), utf8("another-key"),
                io.spillway.contract.admission.AdmissionJson.writeCommand(misKeyed))).get();
        send(List.of(EntryRequested.of(unknown, CustomerId.of("lost"), Instant.now())));
        List<EntryRequested> good = entries(room, "buyer", 2, Instant.now());
        send(good);

        awaitAdmitted(room, 2);
        try (KafkaConsumer<byte[], byte[]> dlq = deadLetters(TOPICS)) {
            Map<String, ConsumerRecord<byte[], byte[]>> byKind = new HashMap<>();
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> letter : dlq.poll(Duration.ofMillis(200))) {
                    if (ADMISSION.entries().equals(header(letter, DeadLetter.TOPIC))) {
                        byKind.put(header(letter, DeadLetter.KIND), letter);
                    }
                }
                return byKind.size() == 3;
            });
            assertThat(byKind.get("unreadable").value()).isEqualTo(unreadable);
            assertThat(byKind.get("key-mismatch").key()).isEqualTo(utf8("another-key"));
            assertThat(new String(byKind.get("unknown-room").key(), StandardCharsets.UTF_8)).isEqualTo(unknown.value());
        }
        assertThat(count("SELECT count(*) FROM room_entries WHERE customer_id = 'mis-keyed'")).isZero();
    }

    @Test
    void theEventsOfAStepCommittedButNotPublishedArePublishedLaterWithTheSameToken() {
        var container = listeners.getListenerContainer(EntryListener.ID);
        container.stop();
        await().atMost(PATIENCE).until(() -> !container.isRunning());
        RoomId room;
        AdmissionStep.Outcome outcome;
        try {
            room = openRoom("replay", 0, 0, 600);
            jdbc.update("INSERT INTO room_lines (room_id, next_line, drawn_at) VALUES (?, 3, now())", room.value());
            for (int i = 1; i <= 2; i++) {
                CustomerId customer = CustomerId.of("buyer-" + i);
                jdbc.update("""
                        INSERT INTO room_entries (entry_id, room_id, customer_id, accepted_at, prequeue, source_partition,
                                                  source_offset, line)
                        VALUES (?, ?, ?, now(), false, 0, ?, ?)""",
                        EntryId.of(room, customer).value(), room.value(), customer.value(), i, i);
            }
            // The step's transaction commits; the process "dies" before publishing.
            RoomId stepped = room;
            outcome = step.decide(stepped, instant -> true);
        } finally {
            container.start();
        }
        assertThat(outcome.admitted()).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM admission_outbox WHERE room_id = ?", room.value())).isPositive();

        Map<EntryId, EntryAdmitted> admitted = awaitAdmitted(room, 2);
        for (EntryAdmitted admission : admitted.values()) {
            String stored = jdbc.queryForObject("SELECT token FROM room_entries WHERE entry_id = ?", String.class,
                    admission.entryId().value());
            assertThat(admission.token()).isEqualTo(stored);
        }
        await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM admission_outbox WHERE room_id = ?",
                room.value()) == 0);
        assertThat(count("SELECT count(*) FROM room_entries WHERE room_id = ? AND admitted_at IS NOT NULL", room.value()))
                .as("admitted once").isEqualTo(2);
    }

    /** Waits until at least {@code n} entries of the room are admitted; answers the first admission of each. */
    private Map<EntryId, EntryAdmitted> awaitAdmitted(RoomId room, int n) {
        await().atMost(PATIENCE).until(() -> events.of(room, EntryAdmitted.class).stream()
                .map(EntryAdmitted::entryId).distinct().count() >= n);
        Map<EntryId, EntryAdmitted> admitted = new HashMap<>();
        for (EntryAdmitted admission : events.of(room, EntryAdmitted.class)) {
            EntryAdmitted was = admitted.putIfAbsent(admission.entryId(), admission);
            assertThat(was == null || was.equals(admission)).as("an entry is admitted once").isTrue();
        }
        return admitted;
    }

    private static void assertAdmittedInLineOrder(java.util.Collection<EntryAdmitted> admitted) {
        List<EntryAdmitted> byLine = admitted.stream().sorted(Comparator.comparingLong(EntryAdmitted::line)).toList();
        for (int i = 1; i < byLine.size(); i++) {
            assertThat(byLine.get(i).happenedAt()).as("line %d admitted no earlier than line %d", byLine.get(i).line(),
                    byLine.get(i - 1).line()).isAfterOrEqualTo(byLine.get(i - 1).happenedAt());
        }
    }

    private void assertTokens(RoomId room, java.util.Collection<EntryAdmitted> admitted) {
        Set<UUID> jtis = new HashSet<>();
        for (EntryAdmitted admission : admitted) {
            AdmissionTokens.Check check = tokens.verify(admission.token(), room, admission.happenedAt());
            assertThat(check.valid()).as("token of %s", admission.entryId()).isTrue();
            assertThat(check.claims().jti()).isEqualTo(admission.jti());
            assertThat(check.claims().subject()).isEqualTo(admission.customerId());
            assertThat(check.claims().entryId()).isEqualTo(admission.entryId());
            assertThat(check.claims().expiresAt()).isBeforeOrEqualTo(admission.expiresAt());
            assertThat(admission.url().toString())
                    .startsWith("https://shop.example/checkout?from=spillway&")
                    .endsWith("spillway_token=" + admission.token());
            jtis.add(admission.jti());
        }
        assertThat(jtis).hasSize(admitted.size());
    }

    private static KafkaConsumer<byte[], byte[]> deadLetters(Topics topics) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(topics.dlq(), 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
