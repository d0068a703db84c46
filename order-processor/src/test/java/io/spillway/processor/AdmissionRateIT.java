package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CustomerId;
import io.spillway.contract.Draw;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionEnded;
import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionKeys;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.contract.admission.EntryClosed;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryRequested;
import io.spillway.contract.admission.LeaveRequested;
import io.spillway.contract.admission.RoomId;
import io.spillway.localstack.Ports;
import io.spillway.processor.ProcessesUnderFaults.ProcessorProcess;
import io.spillway.testing.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The admitter's guarantees (CONTRACT.md, "Admission") checked from its published events alone: 5,000
 * entries in one room at {@code admitPerMinute} 600 and {@code maxActive} 50, 8-s sessions, a
 * stand-in shop that calls leave a second after admission for a third of its buyers (so that about 57
 * would be active at the full rate: the cap binds), two admitter processes and a
 * {@code kill -9} of the room's owner in the middle. No 60-s window holds more than 600 admissions,
 * no instant more than 50 active, no entry is admitted twice, admissions follow the line.
 *
 * <p>At 600 a minute the whole line takes over eight minutes: by default the room is closed after
 * some two minutes of admissions (the kill in the middle) and every entry must end admitted once or
 * closed; {@code -Dspillway.admission.rate.full=true} admits all 5,000 instead.
 */
class AdmissionRateIT {

    private static final int ENTRIES = 5_000;
    private static final int PER_MINUTE = 600;
    private static final int MAX_ACTIVE = 50;
    private static final int SESSION_SECONDS = 8;
    private static final boolean FULL = Boolean.getBoolean("spillway.admission.rate.full");
    private static final Duration PATIENCE = Duration.ofMinutes(FULL ? 15 : 5);
    private static final Path JAR = Path.of("target", "order-processor-0.1.0-SNAPSHOT-exec.jar");

    private final List<ProcessorProcess> processes = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (ProcessorProcess process : processes) {
            process.kill();
        }
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }

    @Test
    void twoAdmittersAndAKillNineNeverExceedTheRateOrTheActivesAndAdmitEachEntryOnceInLineOrder() throws Exception {
        assertThat(JAR).exists();
        SharedInfrastructure.TestDatabase database = SharedInfrastructure.newDatabase();
        DriverManagerDataSource dataSource =
                new DriverManagerDataSource(database.jdbcUrl(), database.username(), database.password());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        Topics topics = SharedInfrastructure.createdOrderTopics();
        AdmissionTopics admission = AdmissionTopics.of(topics);
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(admission.entries(), topics.partitions(), topics.replicationFactor()),
                            new NewTopic(admission.admissions(), topics.partitions(), topics.replicationFactor())))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }

        RoomId room = RoomId.of("rate-" + UUID.randomUUID().toString().substring(0, 8));
        jdbc.update("""
                INSERT INTO rooms (room_id, name, opens_at, opening_order, draw_seed, admit_per_minute, max_active,
                                   session_seconds, checkout_url)
                VALUES (?, 'Rate', ?, 'FIFO', ?, ?, ?, ?, 'https://shop.example/checkout')""",
                room.value(), Timestamp.from(Instant.now().minusSeconds(3_600)), Draw.newSeed(), PER_MINUTE, MAX_ACTIVE,
                SESSION_SECONDS);

        Shop shop = new Shop(bootstrap, admission);
        closeables.add(shop);
        String group = "admission-rate-" + UUID.randomUUID();
        String keys = AdmissionKeys.generate("rate-key");
        processes.add(start("admitter-a", database, topics, group, keys, bootstrap));
        processes.add(start("admitter-b", database, topics, group, keys, bootstrap));

        List<EntryRequested> entries = new ArrayList<>();
        for (int i = 0; i < ENTRIES; i++) {
            entries.add(EntryRequested.of(room, CustomerId.of("buyer-" + i), Instant.now()));
        }
        shop.send(entries);

        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> shop.admitted() >= PER_MINUTE);
        // The owner of the room's line dies mid-stream; the other takes the line over.
        ProcessorProcess owner = ownerOf(room, topics, admission, group, bootstrap);
        owner.kill();
        int admittedAtKill = shop.admitted();
        System.out.printf("admission rate: %s killed with %d admitted%n", owner.name(), admittedAtKill);
        if (FULL) {
            await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> shop.admitted() == ENTRIES);
        } else {
            await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> shop.admitted() >= admittedAtKill + PER_MINUTE);
            jdbc.update("UPDATE rooms SET closed_at = now() WHERE room_id = ?", room.value());
        }
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> shop.settled(entries) == ENTRIES);

        shop.check(entries);
    }

    private ProcessorProcess ownerOf(RoomId room, Topics topics, AdmissionTopics admission, String group,
            String bootstrap) throws Exception {
        int partition = Utils.toPositive(Utils.murmur2(room.value().getBytes(StandardCharsets.UTF_8)))
                % topics.partitions();
        TopicPartition line = new TopicPartition(admission.entries(), partition);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            String admissionGroup = group + "-admission";
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(admissionGroup))
                    .all().get(10, TimeUnit.SECONDS).get(admissionGroup);
            for (MemberDescription member : description.members()) {
                if (member.assignment().topicPartitions().contains(line)) {
                    return processes.stream()
                            .filter(process -> member.clientId().startsWith(process.name()))
                            .findFirst()
                            .orElseThrow();
                }
            }
        }
        throw new IllegalStateException("no member owns " + line);
    }

    private static ProcessorProcess start(String name, SharedInfrastructure.TestDatabase database, Topics topics,
            String group, String keys, String bootstrap) throws java.io.IOException {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("spring.kafka.bootstrap-servers", bootstrap);
        args.put("spring.datasource.url", database.jdbcUrl());
        args.put("spring.datasource.username", database.username());
        args.put("spring.datasource.password", database.password());
        args.put("spillway.topics.requested", topics.requested());
        args.put("spillway.topics.results", topics.results());
        args.put("spillway.topics.dlq", topics.dlq());
        args.put("spring.kafka.consumer.group-id", group);
        args.put("spring.kafka.consumer.client-id", name);
        args.put("spring.kafka.consumer.properties.session.timeout.ms", "6000");
        args.put("spring.kafka.consumer.heartbeat-interval", "1s");
        args.put("spillway.admission.keys", keys);
        args.put("spillway.admission.signing-key-id", "rate-key");
        args.put("server.port", Integer.toString(Ports.free()));
        return ProcessorProcess.start(name, args);
    }

    /**
     * The stand-in shop and auditor: reads every admission event as it comes, calls leave (with the
     * admission's jti, as the door would after checking the token) a second after admitting every
     * third buyer, and keeps everything for the checks.
     */
    static final class Shop implements AutoCloseable {

        private final KafkaProducer<byte[], byte[]> producer;
        private final AdmissionTopics topics;
        private final ConcurrentLinkedQueue<AdmissionEvent> events = new ConcurrentLinkedQueue<>();
        private final Map<EntryId, EntryAdmitted> admitted = new ConcurrentHashMap<>();
        private final Set<EntryId> closed = ConcurrentHashMap.newKeySet();
        private final ScheduledExecutorService leaves = Executors.newSingleThreadScheduledExecutor();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread reader;

        Shop(String bootstrap, AdmissionTopics topics) {
            this.topics = topics;
            this.producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                    new ByteArraySerializer(), new ByteArraySerializer());
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                    Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            await().atMost(Duration.ofSeconds(60)).until(() -> !consumer.partitionsFor(topics.admissions()).isEmpty());
            List<TopicPartition> partitions = consumer.partitionsFor(topics.admissions()).stream()
                    .map(info -> new TopicPartition(topics.admissions(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            reader = Thread.ofPlatform().name("shop").start(() -> {
                try (consumer) {
                    while (running.get()) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                            take(AdmissionJson.readEvent(record.value()));
                        }
                    }
                }
            });
        }

        private void take(AdmissionEvent event) {
            events.add(event);
            switch (event) {
                case EntryAdmitted admission -> {
                    if (admitted.putIfAbsent(admission.entryId(), admission) == null && admission.line() % 3 == 0) {
                        LeaveRequested leave = new LeaveRequested(1, admission.entryId(), admission.roomId(),
                                admission.jti(), Instant.now());
                        leaves.schedule(() -> producer.send(new ProducerRecord<>(topics.entries(),
                                utf8(leave.key()), AdmissionJson.writeCommand(leave))), 1, TimeUnit.SECONDS);
                    }
                }
                case EntryClosed close -> closed.add(close.entryId());
                default -> { }
            }
        }

        void send(List<EntryRequested> entries) throws Exception {
            List<Future<?>> acks = new ArrayList<>();
            for (EntryRequested entry : entries) {
                acks.add(producer.send(new ProducerRecord<>(topics.entries(), utf8(entry.key()),
                        AdmissionJson.writeCommand(entry))));
            }
            for (Future<?> ack : acks) {
                ack.get();
            }
        }

        int admitted() {
            return admitted.size();
        }

        int settled(List<EntryRequested> entries) {
            return (int) entries.stream()
                    .filter(entry -> admitted.containsKey(entry.entryId()) || closed.contains(entry.entryId()))
                    .count();
        }

        void check(List<EntryRequested> entries) {
            List<AdmissionEvent> all = List.copyOf(events);
            // No entry admitted twice: every publication of an entry's admission is the same one.
            Map<EntryId, Set<UUID>> jtis = new HashMap<>();
            Map<EntryId, Instant> ends = new HashMap<>();
            for (AdmissionEvent event : all) {
                if (event instanceof EntryAdmitted admission) {
                    jtis.computeIfAbsent(admission.entryId(), id -> new HashSet<>()).add(admission.jti());
                    assertThat(admission).isEqualTo(admitted.get(admission.entryId()));
                } else if (event instanceof AdmissionEnded end) {
                    Instant was = ends.putIfAbsent(end.entryId(), end.happenedAt());
                    assertThat(was == null || was.equals(end.happenedAt())).as("%s ended once", end.entryId()).isTrue();
                    assertThat(end.jti()).isEqualTo(admitted.get(end.entryId()).jti());
                }
            }
            assertThat(jtis.values()).allMatch(set -> set.size() == 1);
            for (EntryRequested entry : entries) {
                assertThat(admitted.containsKey(entry.entryId()) ^ closed.contains(entry.entryId()))
                        .as("%s admitted once or closed, not both", entry.entryId())
                        .isTrue();
            }

            List<EntryAdmitted> byTime = admitted.values().stream()
                    .sorted(Comparator.comparing(EntryAdmitted::happenedAt))
                    .toList();
            // No 60-s window, wherever it starts, holds more than the rate.
            int most = 0;
            int start = 0;
            for (int end = 0; end < byTime.size(); end++) {
                while (!byTime.get(start).happenedAt().plusSeconds(60).isAfter(byTime.get(end).happenedAt())) {
                    start++;
                }
                most = Math.max(most, end - start + 1);
            }
            assertThat(most).as("admissions in the busiest 60 s").isLessThanOrEqualTo(PER_MINUTE);

            // At no instant more than maxActive: ends count before admissions at the same instant.
            record Change(Instant at, int delta) {}
            List<Change> changes = new ArrayList<>();
            byTime.forEach(admission -> changes.add(new Change(admission.happenedAt(), 1)));
            ends.values().forEach(at -> changes.add(new Change(at, -1)));
            changes.sort(Comparator.comparing(Change::at).thenComparingInt(Change::delta));
            int active = 0;
            int mostActive = 0;
            for (Change change : changes) {
                active += change.delta();
                mostActive = Math.max(mostActive, active);
            }
            assertThat(mostActive).as("most active at once").isLessThanOrEqualTo(MAX_ACTIVE);

            // Admissions follow the line: lines 1..n, each admitted no earlier than the one before.
            List<EntryAdmitted> byLine = admitted.values().stream()
                    .sorted(Comparator.comparingLong(EntryAdmitted::line))
                    .toList();
            for (int i = 0; i < byLine.size(); i++) {
                assertThat(byLine.get(i).line()).isEqualTo(i + 1L);
                assertThat(byLine.get(i).entryId()).isEqualTo(entries.get(i).entryId());
                if (i > 0) {
                    assertThat(byLine.get(i).happenedAt()).isAfterOrEqualTo(byLine.get(i - 1).happenedAt());
                }
            }

            Instant first = byTime.getFirst().happenedAt();
            Instant last = byTime.getLast().happenedAt();
            double minutes = Duration.between(first, last).toMillis() / 60_000.0;
            long left = all.stream().filter(e -> e instanceof AdmissionEnded end && end.reason() == AdmissionEnded.Reason.LEFT)
                    .map(e -> ((AdmissionEnded) e).entryId()).distinct().count();
            System.out.printf(
                    "admission rate: %d admitted over %.2f min (%.0f/min), busiest 60 s %d, most active %d, %d left,"
                            + " %d closed%n",
                    byTime.size(), minutes, byTime.size() / minutes, most, mostActive, left, closed.size());
        }

        private static byte[] utf8(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            reader.join(10_000);
            leaves.shutdownNow();
            producer.close();
        }
    }
}
