package io.spillway.inventory.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.Topics;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dead letters' list, replay and discard against a real broker and PostgreSQL. The dead letters
 * are written here with the headers order-processor's DeadLetter gives them; e2e's
 * DeadLetterReplayIT replays through the real processor.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.inventory.admin-token=" + DeadLettersIT.TOKEN,
            "spillway.inventory.catalog.enabled=false",
            "spillway.topics.create=false"
        })
class DeadLettersIT {

    static final String TOKEN = "dlq-it-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topics TOPICS = SharedInfrastructure.createdOrderTopics();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.database(registry, SharedInfrastructure.newDatabase());
        TestProperties.kafka(registry, TOPICS);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aDeadLetterIsListedWithItsCauseAndOriginAndReplayedFixedByHandIntoItsLine() throws Exception {
        String key = "sale-" + UUID.randomUUID().toString().substring(0, 8) + "/GA";
        String id = deadLetter(key, "{\"type\":\"OrderRequested\",", "unreadable", "not JSON: unexpected end", 7, 41);

        JsonNode listed = await().until(() -> find(id), letter -> letter != null);
        assertThat(listed.path("cause").asText()).isEqualTo("not JSON: unexpected end");
        assertThat(listed.path("kind").asText()).isEqualTo("unreadable");
        assertThat(listed.path("originTopic").asText()).isEqualTo(TOPICS.requested());
        assertThat(listed.path("originPartition").asInt()).isEqualTo(7);
        assertThat(listed.path("originOffset").asLong()).isEqualTo(41);
        assertThat(listed.path("saleId").asText()).isEqualTo(key.substring(0, key.indexOf('/')));
        assertThat(listed.path("state").asText()).isEqualTo("PENDING");
        assertThat(listed.path("value").asText()).isEqualTo("{\"type\":\"OrderRequested\",");

        String fixed = "{\"type\":\"OrderRequested\",\"schemaVersion\":1}";
        HttpResponse<String> replayed = post("/api/v1/dlq/" + id + "/replay", JSON.writeValueAsString(Map.of("value", fixed)));

        assertThat(replayed.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(replayed.body());
        assertThat(answer.path("corrected").asBoolean()).isTrue();
        int line = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % TOPICS.partitions();
        assertThat(answer.path("replayedTo").asText()).startsWith(TOPICS.requested() + "-" + line + "-");
        ConsumerRecord<byte[], byte[]> record = readBack(answer.path("replayedTo").asText());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(fixed);
        assertThat(DlqHeaders.last(record.headers(), DlqHeaders.REPLAY_COUNT)).isEqualTo("1");
        assertThat(DlqHeaders.last(record.headers(), DlqHeaders.REPLAY_OF)).isEqualTo(id);
        assertThat(DlqHeaders.last(record.headers(), DlqHeaders.REPLAY_CORRECTED)).isEqualTo("true");
        assertThat(DlqHeaders.last(record.headers(), "traceparent")).isEqualTo("00-trace-span-01");
        assertThat(DlqHeaders.all(record.headers(), DlqHeaders.CAUSE)).containsExactly("not JSON: unexpected end");

        assertThat(find(id).path("state").asText()).isEqualTo("REPLAYED");
        assertThat(post("/api/v1/dlq/" + id + "/replay", null).statusCode()).isEqualTo(409);
        assertThat(post("/api/v1/dlq/" + id + "/discard", null).statusCode()).isEqualTo(409);
        List<Map<String, Object>> audit = jdbc.queryForList(
                "SELECT actor, action, before->>'value' AS before_value, after->>'value' AS after_value FROM audit_log WHERE target = ?", id);
        assertThat(audit).containsExactly(Map.of("actor", "admin-token", "action", "dlq.replay",
                "before_value", "{\"type\":\"OrderRequested\",", "after_value", fixed));
    }

    @Test
    void aReplayThatFailsAgainComesBackWithItsHistoryAndCanBeDiscarded() throws Exception {
        String key = "sale-" + UUID.randomUUID().toString().substring(0, 8) + "/VIP";
        String first = deadLetter(key, "garbage", "unreadable", "not JSON", 3, 5);
        await().until(() -> find(first), letter -> letter != null);

        HttpResponse<String> replayed = post("/api/v1/dlq/" + first + "/replay", null);
        assertThat(replayed.statusCode()).isEqualTo(200);
        ConsumerRecord<byte[], byte[]> again = readBack(JSON.readTree(replayed.body()).path("replayedTo").asText());
        assertThat(new String(again.value(), StandardCharsets.UTF_8)).isEqualTo("garbage");
        // The processor fails it again: DeadLetter copies the record's headers and appends its cause.
        RecordHeaders headers = new RecordHeaders(again.headers().toArray());
        headers.add(DlqHeaders.CAUSE, bytes("not JSON, again"));
        headers.add(DlqHeaders.KIND, bytes("unreadable"));
        headers.add(DlqHeaders.TOPIC, bytes(again.topic()));
        headers.add(DlqHeaders.PARTITION, bytes(Integer.toString(again.partition())));
        headers.add(DlqHeaders.OFFSET, bytes(Long.toString(again.offset())));
        String second = send(new ProducerRecord<>(TOPICS.dlq(), null, again.key(), again.value(), headers));

        JsonNode back = await().until(() -> find(second), letter -> letter != null);
        assertThat(back.path("replayCount").asInt()).isEqualTo(1);
        assertThat(back.path("cause").asText()).isEqualTo("not JSON, again");
        assertThat(back.path("causes")).extracting(JsonNode::asText).containsExactly("not JSON", "not JSON, again");
        assertThat(back.path("originOffset").asLong()).isEqualTo(again.offset());

        assertThat(post("/api/v1/dlq/" + second + "/discard", null).statusCode()).isEqualTo(204);
        assertThat(find(second).path("state").asText()).isEqualTo("DISCARDED");
        assertThat(post("/api/v1/dlq/" + second + "/replay", null).statusCode()).isEqualTo(409);
        assertThat(jdbc.queryForList("SELECT action FROM audit_log WHERE target IN (?, ?) ORDER BY seq", String.class, first, second))
                .containsExactly("dlq.replay", "dlq.discard");
        JsonNode pending = JSON.readTree(get("/api/v1/dlq?state=pending&saleId=" + key.substring(0, key.indexOf('/'))).body());
        assertThat(pending.path("total").asInt()).isZero();
    }

    @Test
    void unknownOrMalformedIdsAndBadBodiesAreProblems() throws Exception {
        for (String id : List.of(TOPICS.dlq() + "-0-999999", "nonsense", TOPICS.requested() + "-0-0", TOPICS.dlq() + "-99-0")) {
            assertThat(post("/api/v1/dlq/" + id + "/replay", null).statusCode()).as(id).isEqualTo(404);
            assertThat(post("/api/v1/dlq/" + id + "/discard", null).statusCode()).as(id).isEqualTo(404);
        }
        String id = deadLetter("s/GA", "x", "unreadable", "not JSON", 0, 0);
        for (String body : List.of("{\"value\":5}", "{\"value\":\"a\",\"more\":1}", "[]")) {
            HttpResponse<String> response = post("/api/v1/dlq/" + id + "/replay", body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        assertThat(get("/api/v1/dlq?state=LOST").statusCode()).isEqualTo(400);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dlq_actions WHERE dlq_id = ?", Long.class, id)).isZero();
    }

    private String deadLetter(String key, String value, String kind, String cause, int partition, long offset) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", bytes("00-trace-span-01"));
        headers.add(DlqHeaders.CAUSE, bytes(cause));
        headers.add(DlqHeaders.KIND, bytes(kind));
        headers.add(DlqHeaders.TOPIC, bytes(TOPICS.requested()));
        headers.add(DlqHeaders.PARTITION, bytes(Integer.toString(partition)));
        headers.add(DlqHeaders.OFFSET, bytes(Long.toString(offset)));
        return send(new ProducerRecord<>(TOPICS.dlq(), null, bytes(key), bytes(value), headers));
    }

    private static String send(ProducerRecord<byte[], byte[]> record) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            var sent = producer.send(record).get();
            return sent.topic() + "-" + sent.partition() + "-" + sent.offset();
        }
    }

    private static ConsumerRecord<byte[], byte[]> readBack(String id) {
        DlqId where = DlqId.parse(id).orElseThrow();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(where.topic(), where.partition());
            consumer.assign(List.of(partition));
            consumer.seek(partition, where.offset());
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            await().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return !read.isEmpty();
            });
            return read.getFirst();
        }
    }

    private JsonNode find(String id) throws Exception {
        HttpResponse<String> response = get("/api/v1/dlq?limit=1000");
        assertThat(response.statusCode()).isEqualTo(200);
        for (JsonNode letter : JSON.readTree(response.body()).path("deadLetters")) {
            if (letter.path("id").asText().equals(id)) {
                return letter;
            }
        }
        return null;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        HttpRequest.Builder request = request(path);
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
