package io.spillway.inventory.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.CatalogJson;
import io.spillway.contract.ItemAvailability;
import io.spillway.contract.SaleId;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A sale the broker refuses for real: this test's seats topic takes records of at most 2,000 bytes
 * (created before the service, whose topic creation leaves an existing topic alone), so a seated
 * item of 200 random seat ids (7 KB of JSON, about 4 KB compressed) can never be published. The relay keeps trying it, counts every failure, and
 * meanwhile publishes the sales created after it and every change of availability.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"spillway.inventory.admin-token=" + SaleThatCannotBePublishedIT.TOKEN,
            "spillway.inventory.catalog.poll-interval=100ms", "spillway.inventory.catalog.created-sale-wait=300ms"})
class SaleThatCannotBePublishedIT {

    static final String TOKEN = "sale-not-published-it-admin-token-0123456789";
    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase database = SharedInfrastructure.newDatabase();
        TestProperties.database(registry, database);
        TestProperties.kafka(registry, TOPICS);
    }

    @BeforeAll
    static void aSeatsTopicThatTakesOnlySmallRecords() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPICS.seats(), 1, TOPICS.replicationFactor()).configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2000"))))
                    .all().get();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    private KafkaConsumer<String, byte[]> sales;
    private KafkaConsumer<String, byte[]> availability;

    @BeforeEach
    void subscribe() {
        sales = consumer(TOPICS.sales());
        availability = consumer(TOPICS.availability());
    }

    @AfterEach
    void close() {
        sales.close();
        availability.close();
    }

    @Test
    void aSaleTheBrokerRefusesStopsNeitherOtherSalesNorAvailability() throws Exception {
        String seats = IntStream.range(0, 200).mapToObj(i -> "\"" + UUID.randomUUID() + "\"").collect(Collectors.joining(","));
        assertThat(create("refused", "{\"sku\":\"HALL\",\"seats\":[" + seats + "]}").statusCode()).isEqualTo(201);
        assertThat(create("fine", "{\"sku\":\"GA\",\"stock\":5},{\"sku\":\"VIP\",\"seats\":[\"A-1\"]}").statusCode())
                .isEqualTo(201);

        List<ConsumerRecord<String, byte[]>> published = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            published.addAll(readToEnd(sales));
            assertThat(published).extracting(ConsumerRecord::key).contains("fine");
        });
        // What the processor does when the last unit goes: it reaches the topic although the
        // refused sale fails every poll.
        jdbc.update("UPDATE items SET available = 0, version = version + 1 WHERE sale_id = 'fine' AND sku = 'GA'");
        List<ConsumerRecord<String, byte[]>> changes = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            changes.addAll(readToEnd(availability));
            assertThat(changes.stream().filter(r -> r.key().equals("fine/GA"))
                    .map(r -> CatalogJson.read(r.value(), ItemAvailability.class)))
                    .contains(ItemAvailability.of(SaleId.of("fine"), Sku.of("GA"), 0, true));
        });
        assertThat(changes).extracting(ConsumerRecord::key).contains("refused/HALL");
        // Retried every poll, counted every time, never published.
        await().atMost(Duration.ofSeconds(10)).until(() -> failures() >= 3);
        published.addAll(readToEnd(sales));
        assertThat(published).extracting(ConsumerRecord::key).doesNotContain("refused");
    }

    private double failures() {
        var counter = meters.find("spillway.inventory.catalog.publish.failures").tag("record", "sale").counter();
        return counter == null ? 0 : counter.count();
    }

    private HttpResponse<String> create(String saleId, String items) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sales"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"saleId":"%s","name":"Sale %s","opensAt":"2026-12-24T09:00:00Z","perCustomerLimit":4,
                                 "items":[%s]}""".formatted(saleId, saleId, items)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static KafkaConsumer<String, byte[]> consumer(String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    private static List<ConsumerRecord<String, byte[]>> readToEnd(KafkaConsumer<String, byte[]> consumer) {
        TopicPartition partition = consumer.assignment().iterator().next();
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        while (consumer.position(partition) < end) {
            consumer.poll(Duration.ofMillis(100)).records(partition).forEach(records::add);
        }
        return records;
    }
}
