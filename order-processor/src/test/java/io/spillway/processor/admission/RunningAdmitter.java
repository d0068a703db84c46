package io.spillway.processor.admission;

import static org.awaitility.Awaitility.await;

import io.spillway.contract.CustomerId;
import io.spillway.contract.Draw;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionKeys;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.EntryCommand;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryRequested;
import io.spillway.contract.admission.RoomId;
import io.spillway.processor.ProcessorApplication;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The processor with its admitter on, against the shared real broker and PostgreSQL: rooms are rows
 * inserted here (as inventory-service would), entries and leaves are records produced here (as the
 * door would), and what the admitter did is read back from its admissions topic and its tables.
 */
@SpringBootTest(classes = ProcessorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
abstract class RunningAdmitter {

    static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    static final AdmissionTopics ADMISSION = AdmissionTopics.of(TOPICS);
    static final SharedInfrastructure.TestDatabase DATABASE = SharedInfrastructure.newDatabase();
    static final String KEYS = AdmissionKeys.generate("it-key");
    static final Duration PATIENCE = Duration.ofSeconds(60);

    static KafkaProducer<byte[], byte[]> producer;
    static Events events;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry, TOPICS);
        TestProperties.database(registry, DATABASE);
        registry.add("spring.kafka.consumer.group-id", () -> "admitter-" + UUID.randomUUID());
        registry.add("spillway.admission.keys", () -> KEYS);
        registry.add("spillway.admission.signing-key-id", () -> "it-key");
        // A short settle, so that a room's draw comes a second after its opening.
        registry.add("spillway.opening.order-send-timeout", () -> "500ms");
        registry.add("spillway.opening.clock-skew", () -> "100ms");
    }

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void clients() {
        if (events != null) {
            return;
        }
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
        events = new Events(bootstrap, ADMISSION.admissions());
    }

    @AfterAll
    static void closeClients() {
        if (producer != null) {
            producer.close();
            events.close();
        }
        producer = null;
        events = null;
    }

    /** A room as inventory-service stores it. */
    RoomId room(String prefix, Instant opensAt, Instant prequeueOpensAt, String order, int admitPerMinute,
            int maxActive, int sessionSeconds) {
        RoomId room = RoomId.of(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        jdbc.update("""
                INSERT INTO rooms (room_id, name, opens_at, prequeue_opens_at, opening_order, draw_seed,
                                   admit_per_minute, max_active, session_seconds, checkout_url)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'https://shop.example/checkout?from=spillway')""",
                room.value(), "Room " + room, Timestamp.from(opensAt),
                prequeueOpensAt == null ? null : Timestamp.from(prequeueOpensAt), order, Draw.newSeed(), admitPerMinute,
                maxActive, sessionSeconds);
        return room;
    }

    RoomId openRoom(String prefix, int admitPerMinute, int maxActive, int sessionSeconds) {
        return room(prefix, Instant.now().minusSeconds(3_600), null, "FIFO", admitPerMinute, maxActive, sessionSeconds);
    }

    static List<EntryRequested> entries(RoomId room, String prefix, int count, Instant acceptedAt) {
        List<EntryRequested> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(EntryRequested.of(room, CustomerId.of(prefix + "-" + i), acceptedAt));
        }
        return entries;
    }

    static void send(List<? extends EntryCommand> commands) throws Exception {
        List<Future<?>> acks = new ArrayList<>();
        for (EntryCommand command : commands) {
            acks.add(producer.send(new ProducerRecord<>(ADMISSION.entries(), utf8(command.key()),
                    AdmissionJson.writeCommand(command))));
        }
        for (Future<?> ack : acks) {
            ack.get();
        }
    }

    static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    int count(String sql, Object... args) {
        Integer n = jdbc.queryForObject(sql, Integer.class, args);
        return n == null ? 0 : n;
    }

    /** Everything on the admissions topic from its beginning, read on demand from the test thread. */
    static final class Events implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<AdmissionEvent> read = new CopyOnWriteArrayList<>();

        Events(String bootstrap, String topic) {
            consumer = new KafkaConsumer<>(
                    Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            await().atMost(PATIENCE).until(() -> !consumer.partitionsFor(topic).isEmpty());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** The events of a room read so far, reading on first. */
        synchronized <T extends AdmissionEvent> List<T> of(RoomId room, Class<T> type) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                read.add(AdmissionJson.readEvent(record.value()));
            }
            return read.stream()
                    .filter(event -> event.roomId().equals(room) && type.isInstance(event))
                    .map(type::cast)
                    .toList();
        }

        <T extends AdmissionEvent> List<T> of(RoomId room, Class<T> type, Predicate<T> which) {
            return of(room, type).stream().filter(which).toList();
        }

        <T extends AdmissionEvent> List<T> ofEntry(EntryId entry, RoomId room, Class<T> type) {
            return of(room, type).stream().filter(event -> event.key().equals(entry.toString())).toList();
        }

        @Override
        public synchronized void close() {
            consumer.close();
        }
    }
}
