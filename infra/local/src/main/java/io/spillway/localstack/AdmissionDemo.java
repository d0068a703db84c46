package io.spillway.localstack;

import com.nimbusds.jwt.JWTClaimsSet;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionEnded;
import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.localstack.DemoClient.Joined;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The third part of {@code ./spillway demo}: a room in front of a shop's own checkout
 * (docs/admission.md). A burst of buyers joins; the admitter admits them in line at the room's rate
 * and cap; a {@link StandInCheckout} (the demo's, not Spillway's) verifies each admitted buyer's token
 * against the JWKS inventory-service serves, keeps the buyer a moment, then calls leave, which frees
 * the slot for the next. The admitted tokens are read from the admissions topic, as the notifier
 * reads them; the figures (rate per minute, most active at once) are computed from that topic alone,
 * as anyone auditing the room could.
 */
final class AdmissionDemo {

    private static final int SESSION_SECONDS = 60;

    private final DemoClient client;
    private final String kafka;

    AdmissionDemo(DemoClient client, String kafka) {
        this.client = client;
        this.kafka = kafka;
    }

    boolean run(int buyers, int admitPerMinute, int maxActive) throws Exception {
        String roomId = "demo-room-" + Instant.now().getEpochSecond();
        String admissionsTopic = AdmissionTopics.of(Topics.DEFAULTS).admissions();
        try (KafkaConsumer<byte[], byte[]> admissions = fromTheEnd(admissionsTopic);
                ExecutorService checkouts = Executors.newVirtualThreadPerTaskExecutor()) {
            client.createRoom(Map.of(
                    "roomId", roomId,
                    "name", "Spillway demo room",
                    "opensAt", Instant.now().minusSeconds(1).toString(),
                    "admitPerMinute", admitPerMinute,
                    "maxActive", maxActive,
                    "sessionSeconds", SESSION_SECONDS,
                    "checkoutUrl", "https://shop.example/checkout"));
            System.out.printf("%nroom %s: at most %d admitted a minute, at most %d active, sessions of %d s%n",
                    roomId, admitPerMinute, maxActive, SESSION_SECONDS);
            StandInCheckout checkout = new StandInCheckout(client.get(client.jwksUrl()), roomId);

            long started = System.nanoTime();
            List<Joined> joined = new ArrayList<>(List.of(client.joinOnceTheDoorKnows(roomId, "room-buyer-0")));
            List<String> customers = new ArrayList<>();
            for (int i = 1; i < buyers; i++) {
                customers.add("room-buyer-" + i);
            }
            joined.addAll(client.joinAll(roomId, customers));
            double burstSeconds = (System.nanoTime() - started) / 1e9;
            long accepted = joined.stream().filter(j -> j.status() == 202).count();
            Map<Integer, Long> refused = new HashMap<>();
            joined.stream().filter(j -> j.status() != 202).forEach(j -> refused.merge(j.status(), 1L, Long::sum));
            System.out.printf("joined:    %d of %d buyers in %.1f s (202)%s%n", accepted, buyers, burstSeconds,
                    refused.isEmpty() ? "" : ", refused by status " + refused);

            // The shop's side: each admission is verified, kept for 0.2-1 s (the buyer pays), then ended by leave.
            Map<String, Set<String>> jtisByEntry = new HashMap<>();
            List<Instant> admittedAt = new ArrayList<>();
            List<Instant> endedAt = new ArrayList<>();
            AtomicInteger verified = new AtomicInteger();
            AtomicInteger leaves = new AtomicInteger();
            long deadline = System.nanoTime() + Duration.ofSeconds(60 + accepted * 60 / Math.max(1, admitPerMinute)).toNanos();
            while (endedAt.size() < accepted && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : admissions.poll(Duration.ofMillis(200))) {
                    AdmissionEvent event = AdmissionJson.readEvent(record.value());
                    if (!event.roomId().value().equals(roomId)) {
                        continue;
                    }
                    // An admission published again (after a crash between commit and publish) is the same jti: once.
                    if (event instanceof EntryAdmitted admitted && jtisByEntry.computeIfAbsent(admitted.entryId().toString(),
                            entry -> new HashSet<>()).add(admitted.jti().toString())) {
                        admittedAt.add(admitted.happenedAt());
                        checkouts.submit(() -> {
                            Optional<JWTClaimsSet> claims = checkout.verify(admitted.token());
                            if (claims.isEmpty() || !admitted.customerId().value().equals(claims.get().getSubject())) {
                                return null;
                            }
                            verified.incrementAndGet();
                            Thread.sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(200, 1000)));
                            if (client.leave(roomId, admitted.token()) == 202) {
                                leaves.incrementAndGet();
                            }
                            return null;
                        });
                    } else if (event instanceof AdmissionEnded ended) {
                        endedAt.add(ended.happenedAt());
                    }
                }
            }
            // Every checkout has had its leave's answer before the figures are counted.
            checkouts.close();
            return report(admitPerMinute, maxActive, accepted, jtisByEntry, admittedAt, endedAt, verified.get(), leaves.get());
        }
    }

    private static boolean report(int admitPerMinute, int maxActive, long accepted, Map<String, Set<String>> jtisByEntry,
            List<Instant> admittedAt, List<Instant> endedAt, int verified, int leaves) {
        admittedAt.sort(Comparator.naturalOrder());
        long twice = jtisByEntry.values().stream().filter(jtis -> jtis.size() > 1).count();
        int mostInAMinute = mostWithinAMinute(admittedAt);
        int mostActive = mostActive(admittedAt, endedAt);
        double seconds = admittedAt.size() > 1
                ? Duration.between(admittedAt.getFirst(), admittedAt.getLast()).toMillis() / 1000.0 : 0.0;
        // The admitter may run up to one second's worth ahead of its schedule (its tolerance), so a short
        // run's average is a little above the rate; the minute cap is the promise.
        System.out.printf("admitted:  %d in %.1f s, %.1f a second on average (set rate %d a minute, %.1f a second, "
                        + "up to one second's worth ahead); at most %d in any 60 s%n",
                jtisByEntry.size(), seconds, seconds > 0 ? (admittedAt.size() - 1) / seconds : 0.0, admitPerMinute,
                admitPerMinute / 60.0, mostInAMinute);
        System.out.printf("active:    at most %d at once (maxActive %d)%n", mostActive, maxActive);
        System.out.printf("tokens verified by the stand-in checkout through the JWKS: %d of %d%n", verified, jtisByEntry.size());
        System.out.printf("leaves:    %d accepted (202), %d admissions ended%n", leaves, endedAt.size());
        System.out.printf("admitted twice: %d%n", twice);
        return jtisByEntry.size() == accepted && verified == accepted && leaves == accepted && twice == 0
                && mostActive <= maxActive && mostInAMinute <= admitPerMinute;
    }

    /** The most admissions in any 60 s (sorted times). */
    static int mostWithinAMinute(List<Instant> sorted) {
        int most = 0;
        int first = 0;
        for (int last = 0; last < sorted.size(); last++) {
            while (!sorted.get(first).plusSeconds(60).isAfter(sorted.get(last))) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    /** The most admissions active at once, from the events' times; an end counts before an admission at the same instant. */
    static int mostActive(List<Instant> admitted, List<Instant> ended) {
        record Change(Instant at, int delta) {}
        List<Change> changes = new ArrayList<>();
        admitted.forEach(at -> changes.add(new Change(at, 1)));
        ended.forEach(at -> changes.add(new Change(at, -1)));
        changes.sort(Comparator.comparing(Change::at).thenComparingInt(Change::delta));
        int active = 0;
        int most = 0;
        for (Change change : changes) {
            active += change.delta();
            most = Math.max(most, active);
        }
        return most;
    }

    /** A reader of the admissions topic from its current end, so only this run's room is read. */
    private KafkaConsumer<byte[], byte[]> fromTheEnd(String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }
}
