package io.spillway.inventory.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CatalogJson;
import io.spillway.contract.ItemAvailability;
import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatChunk;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.SharedInfrastructure.TestDatabase;
import io.spillway.testing.TestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The relay against the real broker and PostgreSQL: a created sale is on {@code sales} (its seats
 * on {@code sales.seats}) by the time its 201 is answered, its items on {@code items.availability},
 * and a change the processor makes in the database reaches the topic within a poll, once. The
 * largest sale inventory-service accepts is published in chunks that stay far below the topics'
 * limit, and does not hold back a sale created after it.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"spillway.inventory.admin-token=" + CatalogRelayIT.TOKEN, "spillway.inventory.catalog.poll-interval=100ms"})
class CatalogRelayIT {

    static final String TOKEN = "catalog-relay-it-admin-token-0123456789";
    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase database = SharedInfrastructure.newDatabase();
        TestProperties.database(registry, database);
        TestProperties.kafka(registry, TOPICS);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate transactions;

    /** One reader per topic, each from the beginning, so that reading one never skips the other. */
    private final Map<String, KafkaConsumer<String, byte[]>> consumers = new HashMap<>();

    @BeforeEach
    void subscribe() {
        for (String topic : List.of(TOPICS.sales(), TOPICS.seats(), TOPICS.availability())) {
            Properties config = new Properties();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers());
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            KafkaConsumer<String, byte[]> consumer =
                    new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            consumers.put(topic, consumer);
        }
    }

    @AfterEach
    void close() {
        consumers.values().forEach(KafkaConsumer::close);
    }

    @Test
    void aCreatedSaleIsPublishedBeforeItsAnswerAndAvailabilityFollowsTheDatabase() throws Exception {
        String saleId = "relay-" + UUID.randomUUID().toString().substring(0, 8);

        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/api/v1/sales"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"saleId":"%s","name":"Relay","opensAt":"2026-12-24T09:00:00Z","perCustomerLimit":4,
                                 "items":[{"sku":"GA","stock":5},{"sku":"VIP","seats":["A-1","A-2"]}]}
                                """.formatted(saleId)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);

        // Already on the topic when the 201 came: read what is there now, no waiting for more.
        List<ConsumerRecord<String, byte[]>> sales = readToEnd(TOPICS.sales());
        assertThat(sales).extracting(ConsumerRecord::key).contains(saleId);
        SaleDefined sale = CatalogJson.read(last(sales, saleId).value(), SaleDefined.class);
        assertThat(sale.opensAt()).isEqualTo(Instant.parse("2026-12-24T09:00:00Z"));
        assertThat(sale.perCustomerLimit()).isEqualTo(4);
        assertThat(sale.items()).satisfiesExactly(
                ga -> assertThat(ga.kind()).isEqualTo(ItemKind.STOCK),
                vip -> assertThat(vip.seatChunks()).isEqualTo(1));
        SeatChunk seats = CatalogJson.read(last(readToEnd(TOPICS.seats()), saleId + "/VIP/0").value(), SeatChunk.class);
        assertThat(seats.seatIds()).containsExactly(SeatId.of("A-1"), SeatId.of("A-2"));

        List<ConsumerRecord<String, byte[]>> availability = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            availability.addAll(readToEnd(TOPICS.availability()));
            assertThat(availability).extracting(ConsumerRecord::key).contains(saleId + "/GA", saleId + "/VIP");
        });
        assertThat(CatalogJson.read(last(availability, saleId + "/GA").value(), ItemAvailability.class))
                .isEqualTo(ItemAvailability.of(SaleId.of(saleId), Sku.of("GA"), 5, false));

        // What the processor does when the last unit goes: the relay notices and publishes it once.
        jdbc.update("UPDATE items SET available = 0, version = version + 1 WHERE sale_id = ? AND sku = 'GA'", saleId);

        List<ConsumerRecord<String, byte[]>> changes = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            changes.addAll(readToEnd(TOPICS.availability()));
            assertThat(changes).extracting(ConsumerRecord::key).contains(saleId + "/GA");
        });
        assertThat(CatalogJson.read(last(changes, saleId + "/GA").value(), ItemAvailability.class))
                .isEqualTo(ItemAvailability.of(SaleId.of(saleId), Sku.of("GA"), 0, true));
        // Several polls later nothing more was published: the relay publishes changes, not polls.
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                .until(() -> readToEnd(TOPICS.availability()).isEmpty());
    }

    @Test
    void theLargestSaleIsPublishedInChunksWellWithinTheLimitAndASaleCreatedAfterItIsNotHeldBack() throws Exception {
        String big = "big-" + UUID.randomUUID().toString().substring(0, 8);
        // 100 items × 100,000 seats, as SaleCatalog would have written them, in one transaction (through
        // SQL: ten million seats through the API would take this machine minutes to parse).
        transactions.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO sales (sale_id, name, opens_at, per_customer_limit) VALUES (?, 'Big', now(), 4)", big);
            jdbc.update("""
                    INSERT INTO items (sale_id, sku, kind, total, available)
                    SELECT ?, 'I' || lpad(i::text, 3, '0'), 'SEATED', 100000, 100000 FROM generate_series(0, 99) i""", big);
            jdbc.update("""
                    INSERT INTO seats (sale_id, sku, seat_id, ordinal)
                    SELECT ?, 'I' || lpad(i::text, 3, '0'), 'S' || s, s
                    FROM generate_series(0, 99) i, generate_series(0, 99999) s""", big);
        });

        String small = "small-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/api/v1/sales"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"saleId":"%s","name":"Small","opensAt":"2026-12-24T09:00:00Z","perCustomerLimit":4,
                                 "items":[{"sku":"VIP","seats":["A-1"]}]}
                                """.formatted(small)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);

        List<ConsumerRecord<String, byte[]>> sales = new ArrayList<>();
        Map<String, Integer> chunkSizes = new HashMap<>();
        Map<String, byte[]> lastChunk = new HashMap<>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            sales.addAll(readToEnd(TOPICS.sales()));
            assertThat(sales).extracting(ConsumerRecord::key).contains(small);
        });
        await().atMost(Duration.ofMinutes(5)).untilAsserted(() -> {
            for (ConsumerRecord<String, byte[]> chunk : readToEnd(TOPICS.seats())) {
                chunkSizes.put(chunk.key(), chunk.serializedValueSize());
                if (chunk.key().equals(big + "/I099/9")) {
                    lastChunk.put(chunk.key(), chunk.value());
                }
            }
            sales.addAll(readToEnd(TOPICS.sales()));
            assertThat(sales).extracting(ConsumerRecord::key).contains(big);
        });
        // The small sale did not wait for the big one's ten million seats.
        assertThat(sales).extracting(ConsumerRecord::key).containsSubsequence(small, big);
        SaleDefined sale = CatalogJson.read(last(sales, big).value(), SaleDefined.class);
        assertThat(sale.items()).hasSize(100).allSatisfy(item -> assertThat(item.seatChunks()).isEqualTo(10));
        assertThat(chunkSizes.keySet().stream().filter(key -> key.startsWith(big + "/"))).hasSize(1_000)
                .contains(big + "/I099/9");
        assertThat(chunkSizes.values()).allSatisfy(size -> assertThat(size).isLessThan(Topics.MAX_CATALOG_RECORD_BYTES / 8));
        assertThat(last(sales, big).serializedValueSize()).isLessThan(20_000);
        // The last chunk of the last item holds its last seat, so the door can judge an order for it.
        assertThat(CatalogJson.read(lastChunk.get(big + "/I099/9"), SeatChunk.class).seatIds())
                .hasSize(10_000).endsWith(SeatId.of("S99999"));
    }

    @Test
    void theCatalogueTopicsAreCompactedAndTakeLargeRecords() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrapServers()))) {
            ConfigResource sales = new ConfigResource(ConfigResource.Type.TOPIC, TOPICS.sales());
            ConfigResource availability = new ConfigResource(ConfigResource.Type.TOPIC, TOPICS.availability());
            ConfigResource seats = new ConfigResource(ConfigResource.Type.TOPIC, TOPICS.seats());
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(sales, availability, seats)).all().get();
            assertThat(configs).hasSize(3);
            for (Config config : configs.values()) {
                assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
                assertThat(Integer.parseInt(config.get("max.message.bytes").value()))
                        .isEqualTo(Topics.MAX_CATALOG_RECORD_BYTES);
            }
        }
    }

    private List<ConsumerRecord<String, byte[]>> readToEnd(String topic) {
        KafkaConsumer<String, byte[]> consumer = consumers.get(topic);
        TopicPartition partition = new TopicPartition(topic, 0);
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        while (consumer.position(partition) < end) {
            consumer.poll(Duration.ofMillis(100)).records(partition).forEach(records::add);
        }
        return records;
    }

    private static ConsumerRecord<String, byte[]> last(List<ConsumerRecord<String, byte[]>> records, String key) {
        return records.stream().filter(r -> r.key().equals(key)).reduce((a, b) -> b).orElseThrow();
    }

}
