package io.spillway.inventory.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.Topics;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A sale's summary from its orders in PostgreSQL, its lines' offsets on a real broker (a consumer
 * group standing for the processor commits them here) and its dead letters.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.inventory.admin-token=" + SaleSummaryIT.TOKEN,
            "spillway.inventory.catalog.enabled=false",
            "spillway.topics.create=false"
        })
class SaleSummaryIT {

    static final String TOKEN = "summary-it-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topics TOPICS = SharedInfrastructure.createdOrderTopics();
    private static final String GROUP = "processor-" + UUID.randomUUID();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.database(registry, SharedInfrastructure.newDatabase());
        TestProperties.kafka(registry, TOPICS);
        registry.add("spillway.inventory.live.processor-group", () -> GROUP);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void countsDecisionsByOutcomeTheLinesLagAndTheSalesDeadLetters() throws Exception {
        String saleId = "sum-" + UUID.randomUUID().toString().substring(0, 8);
        create(saleId);
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, sale_id, sku, quantity, seats, status, reason, requested_at,
                                    decided_at, line, hold_expires_at, ended_at, payment_ref)
                SELECT gen_random_uuid(), 'c-' || i, ?, 'GA', 1, '{}',
                       (ARRAY['CONFIRMED','REJECTED','PAID','EXPIRED','CANCELLED'])[1 + i % 5],
                       CASE WHEN i % 5 = 1 THEN 'SOLD_OUT' END, now(), now(), 0,
                       CASE WHEN i % 5 IN (0, 2, 3, 4) THEN now() + interval '10 minutes' END,
                       CASE WHEN i % 5 IN (2, 3, 4) THEN now() END,
                       CASE WHEN i % 5 = 2 THEN 'pay-' || i END
                FROM generate_series(1, 100) AS i""", saleId);
        Set<Integer> lines = new TreeSet<>(List.of(
                LineOffsets.partitionOf(saleId, "GA", TOPICS.partitions()), LineOffsets.partitionOf(saleId, "B", TOPICS.partitions())));
        // Every record is an order: 100 decided, 2 dead-lettered, the rest undecided.
        produce(saleId + "/GA", 80);
        produce(saleId + "/B", 70);
        commit(lines, 5);
        deadLetter(saleId + "/GA");
        deadLetter(saleId + "/B");
        deadLetter("another-sale/GA");

        JsonNode summary = summary(saleId);

        long undecided = 150 - 100 - 2;
        assertThat(summary.path("decided").asLong()).isEqualTo(100);
        assertThat(summary.path("byStatus")).isEqualTo(JSON.readTree(
                "{\"CANCELLED\":20,\"CONFIRMED\":20,\"EXPIRED\":20,\"PAID\":20,\"REJECTED\":20}"));
        assertThat(summary.path("rejectedByReason")).isEqualTo(JSON.readTree("{\"SOLD_OUT\":20}"));
        assertThat(summary.path("confirmed").asLong()).isEqualTo(80);
        assertThat(summary.path("held").asLong()).isEqualTo(20);
        assertThat(summary.path("paid").asLong()).isEqualTo(20);
        assertThat(summary.path("expired").asLong()).isEqualTo(20);
        assertThat(summary.path("undecided").asLong()).isEqualTo(undecided);
        // The lines' lag counts every record of their partitions not committed: at least the sale's.
        long linesLag = summary.path("linesLag").asLong();
        assertThat(linesLag).isGreaterThanOrEqualTo(150 - 5L * lines.size());
        assertThat(summary.path("lines")).extracting(JsonNode::asInt).containsExactlyElementsOf(lines);
        assertThat(summary.path("deadLettered").path("total").asLong()).isEqualTo(2);
        assertThat(summary.path("deadLettered").path("pending").asLong()).isEqualTo(2);
        assertThat(summary.path("accepted").asLong()).isEqualTo(150);
        assertThat(summary.path("exact").asBoolean()).isTrue();
        assertThat(summary.path("countBehind").asLong()).isZero();
        assertThat(summary.path("kafkaError").isNull()).isTrue();

        // The line drains: a rate and an ETA appear once two samples are a second apart.
        commit(lines, 10);
        JsonNode draining = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> summary(saleId), s -> !s.path("drainRatePerSecond").isNull() && s.path("drainRatePerSecond").asDouble() > 0);
        assertThat(draining.path("linesLag").asLong()).isEqualTo(linesLag - 5L * lines.size());
        // Undecided is counted from the sale's records and decisions, not from the lines' offsets.
        assertThat(draining.path("undecided").asLong()).isEqualTo(undecided);
        assertThat(draining.path("drainEtaSeconds").asDouble()).isPositive();
    }

    @Test
    void twoSalesSharingALineEachCountExactlyTheirOwnAcceptedAndUndecidedOrders() throws Exception {
        String first = "two-" + UUID.randomUUID().toString().substring(0, 8);
        String second;
        do {
            second = "two-" + UUID.randomUUID().toString().substring(0, 8);
        } while (LineOffsets.partitionOf(second, "GA", TOPICS.partitions()) != LineOffsets.partitionOf(first, "GA", TOPICS.partitions()));
        create(first);
        create(second);
        produce(first + "/GA", 40);
        produce(second + "/GA", 25);
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, sale_id, sku, quantity, seats, status, reason, requested_at, decided_at, line)
                SELECT gen_random_uuid(), 'c-' || i, ?, 'GA', 1, '{}', 'CONFIRMED', NULL, now(), now(), 0
                FROM generate_series(1, 15) AS i""", first);
        deadLetter(first + "/GA");

        JsonNode one = summary(first);
        JsonNode two = summary(second);

        int shared = LineOffsets.partitionOf(first, "GA", TOPICS.partitions());
        assertThat(one.path("lines")).extracting(JsonNode::asInt).contains(shared);
        assertThat(two.path("lines")).extracting(JsonNode::asInt).contains(shared);
        assertThat(one.path("undecided").asLong()).isEqualTo(40 - 15 - 1);
        assertThat(one.path("accepted").asLong()).isEqualTo(40);
        assertThat(one.path("exact").asBoolean()).isTrue();
        assertThat(two.path("undecided").asLong()).isEqualTo(25);
        assertThat(two.path("accepted").asLong()).isEqualTo(25);
        assertThat(two.path("decided").asLong()).isZero();
        // The shared line's lag holds both sales' records: it was the upper bound the summary gave before.
        assertThat(two.path("linesLag").asLong()).isGreaterThanOrEqualTo(40 + 25);
    }

    @Test
    void theStreamSendsTheSummaryAsServerSentEvents() throws Exception {
        String saleId = "sse-" + UUID.randomUUID().toString().substring(0, 8);
        create(saleId);

        HttpResponse<InputStream> stream = http.send(request("/api/v1/sales/" + saleId + "/summary/stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("event:summary");
            String data = lines.readLine();
            assertThat(data).startsWith("data:");
            JsonNode summary = JSON.readTree(data.substring("data:".length()));
            assertThat(summary.path("saleId").asText()).isEqualTo(saleId);
            assertThat(summary.path("decided").asLong()).isZero();
            assertThat(summary.path("held").isNull()).isTrue();
        }
    }

    @Test
    void anUnknownSaleHasNoSummary() throws Exception {
        for (String path : List.of("/api/v1/sales/no-such-sale/summary", "/api/v1/sales/no-such-sale/summary/stream")) {
            HttpResponse<String> response = http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
        }
    }

    private JsonNode summary(String saleId) throws Exception {
        HttpResponse<String> response = http.send(request("/api/v1/sales/" + saleId + "/summary").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private void create(String saleId) throws Exception {
        String hold = saleId.startsWith("sum-") ? ",\"holdSeconds\":600" : "";
        HttpResponse<String> created = http.send(request("/api/v1/sales").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"saleId":"%s","name":"Summary","opensAt":"2026-12-24T09:00:00Z","perCustomerLimit":4%s,
                         "items":[{"sku":"GA","stock":1000},{"sku":"B","stock":10}]}""".formatted(saleId, hold)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
    }

    private static void produce(String key, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TOPICS.requested(), key, "{\"n\":" + i + "}")).get();
            }
        }
    }

    private static void deadLetter(String key) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(TOPICS.dlq(), key, "x");
            record.headers().add("spillway.dlq.cause", "not JSON".getBytes(StandardCharsets.UTF_8));
            record.headers().add("spillway.dlq.topic", TOPICS.requested().getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }

    /** Commits, as the processor group, {@code offset} on each line: as if that many records of each were decided. */
    private static void commit(Set<Integer> lines, long offset) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        try (KafkaConsumer<byte[], byte[]> processor = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            lines.forEach(line -> offsets.put(new TopicPartition(TOPICS.requested(), line), new OffsetAndMetadata(offset)));
            processor.commitSync(offsets);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN);
    }
}
