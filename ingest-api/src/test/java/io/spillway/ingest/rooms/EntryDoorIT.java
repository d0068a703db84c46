package io.spillway.ingest.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.CustomerId;
import io.spillway.contract.OpeningOrder;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionKeys;
import io.spillway.contract.admission.AdmissionTokens;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryRequested;
import io.spillway.contract.admission.LeaveRequested;
import io.spillway.contract.admission.RoomDefined;
import io.spillway.contract.admission.RoomId;
import io.spillway.ingest.CatalogFixture;
import io.spillway.ingest.IngestApplication;
import io.spillway.ingest.catalog.OpeningRetry;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The room's door against the real broker: a join is one {@code EntryRequested} on the entries topic,
 * keyed by room, acknowledged before the {@code 202}, and the same entry and token however often the
 * customer joins; every refusal (unknown, not open, paused, closed, a bad request, over the rate
 * limit) publishes nothing; a leave with a valid admission token is one {@code LeaveRequested}, and
 * with any kind of bad token a 401 that publishes nothing.
 */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.order-token.secret=" + EntryDoorIT.ORDER_SECRET,
            "spillway.ingest.payment.tokens=entry-door-it-payment-token-of-32-bytes",
            "spillway.ingest.rate-limit.customer-per-sale.limited-room.requests=2",
            "spillway.ingest.rate-limit.customer-per-sale.limited-room.per=1h"
        })
class EntryDoorIT {

    static final String ORDER_SECRET = "entry-door-it-order-secret-of-32-bytes!!";
    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final AdmissionTopics ADMISSION = AdmissionTopics.of(TOPICS);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OrderTokens ORDER_TOKENS = new OrderTokens(ORDER_SECRET);
    /** The deployment's keys: the door gets the set; the test signs as the processor would. */
    private static final String KEYS = AdmissionKeys.generate("admission-1");
    private static final AdmissionTokens SIGNER = new AdmissionTokens(AdmissionKeys.parse(KEYS, "admission-1"));
    /** A key of nobody's deployment, with the same kid. */
    private static final AdmissionTokens FORGER =
            new AdmissionTokens(AdmissionKeys.parse(AdmissionKeys.generate("admission-1"), "admission-1"));
    private static final AdmissionTokens UNKNOWN_KID =
            new AdmissionTokens(AdmissionKeys.parse(AdmissionKeys.generate("admission-9"), "admission-9"));

    private static final RoomId OPEN = RoomId.of("open-room");
    private static final RoomId LATER = RoomId.of("later-room");
    private static final RoomId PAUSED = RoomId.of("paused-room");
    private static final RoomId CLOSED = RoomId.of("closed-room");
    private static final RoomId LIMITED = RoomId.of("limited-room");
    private static final Instant LATER_OPENS_AT = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private KafkaConsumer<String, byte[]> entries;

    @LocalServerPort
    private int port;

    @Autowired
    private RoomBook book;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry, TOPICS);
        registry.add("spillway.admission.keys", () -> KEYS);
    }

    @BeforeAll
    static void rooms() throws Exception {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        CatalogFixture.createTopics(bootstrap, TOPICS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (NewTopic topic : List.of(
                    new NewTopic(ADMISSION.rooms(), 1, TOPICS.replicationFactor())
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                    new NewTopic(ADMISSION.entries(), ADMISSION.partitions(), TOPICS.replicationFactor()))) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        Instant anHourAgo = CatalogFixture.anHourAgo();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (RoomDefined room : List.of(
                    room(OPEN, anHourAgo, null, null), room(LATER, LATER_OPENS_AT, null, null),
                    room(PAUSED, anHourAgo, true, null), room(CLOSED, anHourAgo, null, anHourAgo.plusSeconds(60)),
                    room(LIMITED, anHourAgo, null, null))) {
                producer.send(new ProducerRecord<>(ADMISSION.rooms(), room.key(), AdmissionJson.writeRoom(room))).get();
            }
        }
    }

    private static RoomDefined room(RoomId id, Instant opensAt, Boolean paused, Instant closedAt) {
        return new RoomDefined(RoomDefined.SCHEMA_VERSION, id, "Room " + id, opensAt, null, OpeningOrder.FIFO, 600, 50, 900,
                URI.create("https://shop.example/checkout"), paused, closedAt);
    }

    @BeforeEach
    void ready() {
        CatalogFixture.awaitReady(port);
        await().atMost(Duration.ofSeconds(30)).until(() -> book.size() == 5);
        entries = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        entries.close();
    }

    @Test
    void aJoinIsOneEntryInTheRoomsLineAndJoiningAgainIsTheSameEntryAndToken() throws Exception {
        String customer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        EntryId entryId = EntryId.of(OPEN, CustomerId.of(customer));
        String token = ORDER_TOKENS.tokenFor(new OrderId(entryId.value()));
        Map<TopicPartition, Long> before = endOffsets();

        HttpResponse<String> first = enter(OPEN.value(), customer, "key-1", null);
        HttpResponse<String> again = enter(OPEN.value(), customer, null, null);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(first.headers().firstValue("Location")).hasValue("/api/v1/entries/" + entryId);
        assertThat(JSON.readTree(first.body())).isEqualTo(JSON.readTree("""
                {"entryId":"%1$s","roomId":"open-room","status":"WAITING","accessToken":"%2$s",
                 "links":{"status":"/api/v1/entries/%1$s?token=%2$s","events":"/api/v1/entries/%1$s/events?token=%2$s"}}
                """.formatted(entryId, token)));
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        List<ConsumerRecord<String, byte[]>> sent = between(before, endOffsets());
        assertThat(sent).hasSize(2).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo(OPEN.value());
            assertThat(AdmissionJson.readCommand(record.value())).isInstanceOfSatisfying(EntryRequested.class, entry -> {
                assertThat(entry.entryId()).isEqualTo(entryId);
                assertThat(entry.customerId().value()).isEqualTo(customer);
                assertThat(entry.acceptedAt()).isBefore(Instant.now());
            });
        });
        assertThat(sent.get(0).partition()).isEqualTo(sent.get(1).partition());
    }

    @Test
    void everyRefusalIsAProblemAndPublishesNothing() throws Exception {
        Map<TopicPartition, Long> before = endOffsets();

        HttpResponse<String> unknown = enter("no-such-room", "buyer-1", null, null);
        assertProblem(unknown, 404, "unknown-room");
        assertProblem(enter("not/a-room", "buyer-1", null, null), 404, null);

        HttpResponse<String> notOpen = enter(LATER.value(), "buyer-1", null, null);
        assertProblem(notOpen, 409, "not-open");
        long untilOpen = Duration.between(Instant.now(), LATER_OPENS_AT).toSeconds();
        assertThat(Long.parseLong(notOpen.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(untilOpen, untilOpen + OpeningRetry.JITTER.toSeconds() + 2);

        HttpResponse<String> paused = enter(PAUSED.value(), "buyer-1", null, null);
        assertProblem(paused, 409, "room-paused");
        assertThat(paused.headers().firstValue("Retry-After")).hasValue("5");
        HttpResponse<String> closed = enter(CLOSED.value(), "buyer-1", null, null);
        assertProblem(closed, 409, "room-closed");
        assertThat(closed.headers().firstValue("Retry-After")).isEmpty();

        assertProblem(enter(OPEN.value(), null, null, null), 400, "invalid-request");
        assertProblem(enter(OPEN.value(), "buyer 1", null, null), 400, "invalid-request");
        assertProblem(enter(OPEN.value(), "buyer-1", "key with spaces", null), 400, "invalid-request");
        HttpResponse<String> withBody = enter(OPEN.value(), "buyer-1", null, "{\"quantity\":1}");
        assertProblem(withBody, 400, "invalid-request");
        assertThat(JSON.readTree(withBody.body()).path("errors").findValuesAsText("field")).containsExactly("body");

        String customer = "limited-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(enter(LIMITED.value(), customer, null, null).statusCode()).isEqualTo(202);
        assertThat(enter(LIMITED.value(), customer, null, null).statusCode()).isEqualTo(202);
        Map<TopicPartition, Long> beforeLimit = endOffsets();
        HttpResponse<String> limited = enter(LIMITED.value(), customer, null, null);
        assertProblem(limited, 429, "rate-limited");
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();

        assertThat(between(before, beforeLimit)).hasSize(2);
        assertThat(endOffsets()).isEqualTo(beforeLimit);
    }

    @Test
    void aLeaveWithTheAdmissionTokenIsOneLeaveRequested() throws Exception {
        CustomerId customer = CustomerId.of("leaver-" + UUID.randomUUID().toString().substring(0, 8));
        UUID jti = UUID.randomUUID();
        String token = SIGNER.sign(claims(customer, OPEN, jti, Instant.now().plusSeconds(600)));
        Map<TopicPartition, Long> before = endOffsets();

        HttpResponse<String> left = leave(OPEN.value(), "Bearer " + token);

        assertThat(left.statusCode()).as(left.body()).isEqualTo(202);
        EntryId entryId = EntryId.of(OPEN, customer);
        assertThat(JSON.readTree(left.body())).isEqualTo(JSON.readTree("""
                {"entryId":"%s","roomId":"open-room"}""".formatted(entryId)));
        List<ConsumerRecord<String, byte[]>> sent = between(before, endOffsets());
        assertThat(sent).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(OPEN.value());
            assertThat(AdmissionJson.readCommand(record.value())).isInstanceOfSatisfying(LeaveRequested.class, leave -> {
                assertThat(leave.entryId()).isEqualTo(entryId);
                assertThat(leave.roomId()).isEqualTo(OPEN);
                assertThat(leave.jti()).isEqualTo(jti);
            });
        });
    }

    @Test
    void aLeaveWithAnyKindOfBadTokenIsA401AndPublishesNothing() throws Exception {
        CustomerId customer = CustomerId.of("leaver-1");
        Instant inTenMinutes = Instant.now().plusSeconds(600);
        String valid = SIGNER.sign(claims(customer, OPEN, UUID.randomUUID(), inTenMinutes));
        String[] parts = valid.split("\\.");
        String otherClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"sub\":\"someone-else\",\"room\":\"open-room\",\"jti\":\"" + UUID.randomUUID()
                        + "\",\"iat\":1,\"exp\":" + inTenMinutes.getEpochSecond() + "}").getBytes());
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("no header", null);
        bad.put("another scheme", "Basic " + valid);
        bad.put("empty bearer", "Bearer ");
        bad.put("not a JWT", "Bearer not-a-jwt");
        bad.put("tampered claims", "Bearer " + parts[0] + "." + otherClaims + "." + parts[2]);
        bad.put("tampered signature", "Bearer " + parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10)
                + (parts[2].charAt(10) == 'A' ? 'B' : 'A') + parts[2].substring(11));
        bad.put("no signature", "Bearer " + parts[0] + "." + parts[1] + ".");
        bad.put("expired", "Bearer " + SIGNER.sign(claims(customer, OPEN, UUID.randomUUID(), Instant.now().minusSeconds(1))));
        bad.put("other room", "Bearer " + SIGNER.sign(claims(customer, LATER, UUID.randomUUID(), inTenMinutes)));
        bad.put("another deployment's key", "Bearer " + FORGER.sign(claims(customer, OPEN, UUID.randomUUID(), inTenMinutes)));
        bad.put("unknown key id", "Bearer " + UNKNOWN_KID.sign(claims(customer, OPEN, UUID.randomUUID(), inTenMinutes)));
        bad.put("alg none", "Bearer " + Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"kid\":\"admission-1\"}".getBytes()) + "." + parts[1] + ".");
        Map<TopicPartition, Long> before = endOffsets();

        Map<String, Integer> answers = new LinkedHashMap<>();
        for (Map.Entry<String, String> attempt : bad.entrySet()) {
            HttpResponse<String> answer = leave(OPEN.value(), attempt.getValue());
            answers.put(attempt.getKey(), answer.statusCode());
            assertThat(answer.headers().firstValue("Content-Type")).as(attempt.getKey()).hasValue("application/problem+json");
            assertThat(answer.headers().firstValue("WWW-Authenticate")).as(attempt.getKey()).hasValue("Bearer");
        }
        // The valid token, for another room's path: refused too.
        answers.put("valid token, other room's path", leave(LATER.value(), "Bearer " + valid).statusCode());
        answers.put("valid token, invalid room path", leave("not a room", "Bearer " + valid).statusCode());

        assertThat(answers.values()).as(answers.toString()).containsOnly(401);
        assertThat(endOffsets()).isEqualTo(before);
    }

    private static AdmissionTokens.Claims claims(CustomerId customer, RoomId room, UUID jti, Instant expiresAt) {
        return new AdmissionTokens.Claims(customer, room, jti, expiresAt.minusSeconds(900), expiresAt);
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String slug) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        if (slug != null) {
            assertThat(JSON.readTree(answer.body()).path("type").asText()).endsWith(":" + slug);
        }
    }

    private HttpResponse<String> enter(String room, String customer, String idempotencyKey, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/v1/rooms/" + encode(room) + "/entries"))
                .POST(body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (customer != null) {
            request.header("X-Customer-Id", customer);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> leave(String room, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/v1/rooms/" + encode(room) + "/leave"))
                .POST(BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                .replace("%2F", "/");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private Map<TopicPartition, Long> endOffsets() {
        List<TopicPartition> partitions = entries.partitionsFor(ADMISSION.entries()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        return entries.endOffsets(partitions);
    }

    private List<ConsumerRecord<String, byte[]>> between(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        List<TopicPartition> partitions = from.keySet().stream().filter(p -> to.get(p) > from.get(p))
                .collect(Collectors.toList());
        entries.assign(partitions);
        partitions.forEach(p -> entries.seek(p, from.get(p)));
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            entries.poll(Duration.ofMillis(100)).forEach(record -> {
                if (record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
                    records.add(record);
                }
            });
            return partitions.stream().allMatch(p -> entries.position(p) >= to.get(p));
        });
        return records;
    }
}
