package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventJson;
import io.spillway.contract.ItemAvailability;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.ingest.CatalogFixture;
import io.spillway.ingest.IngestApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A broker that goes away under a running service and comes back: 503 within the send timeout and
 * never 202 while it is away, 202 again once it is back, without restarting the service; and a
 * retry of an order answered 503 gets its order back (the order may have been written). The broker
 * is this test's own (stopped and started on the same port and directory); the shared one is never
 * touched.
 */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.order-token.secret=broker-restart-it-secret-of-32-bytes",
            "spillway.ingest.payment.tokens=broker-restart-it-payment-token-of-32-bytes",
            "spillway.ingest.send-timeout=1500ms",
            "spillway.ingest.max-block=500ms",
            "spillway.ingest.retry-after=2s",
            "spillway.topics.partitions=3"
        })
@DirtiesContext
class BrokerRestartIT {

    private static final Duration SEND_TIMEOUT = Duration.ofMillis(1500);
    private static final Topics TOPICS = new Topics("orders.requested", "orders.results", "orders.dlq", 3, (short) 1);
    private static final String ORDER = "{\"saleId\":\"restart\",\"sku\":\"GA\",\"quantity\":1}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RETRIED_SALE = "retried";

    private static RestartableBroker broker;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = RestartableBroker.start("ingest-broker-restart");
        CatalogFixture.createTopics(broker.bootstrapServers(), TOPICS);
        CatalogFixture.publish(broker.bootstrapServers(), TOPICS,
                CatalogFixture.sale("restart", CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1"),
                CatalogFixture.sale(RETRIED_SALE, CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> broker.bootstrapServers());
    }

    @Test
    void aStoppedBrokerGets503InTimeAndABrokerBackGets202WithoutARestart() throws Exception {
        CatalogFixture.awaitReady(port);
        assertThat(order().statusCode()).isEqualTo(202);

        broker.stop();
        for (int attempt = 0; attempt < 3; attempt++) {
            long start = System.nanoTime();
            HttpResponse<String> response = order();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(took).isLessThan(SEND_TIMEOUT.plusMillis(500));
            assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(JSON.readTree(response.body()).get("type").asText())
                    .isEqualTo("urn:spillway:problem:not-accepted");
        }

        broker.restart();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> response = order();
            assertThat(response.statusCode()).isIn(202, 503);
            assertThat(response.statusCode()).isEqualTo(202);
        });
    }

    @Test
    void aRetryAfterA503IsTheSameOrderEvenOnceItsItemSoldOutAndAnotherBodyUnderItsKeyIs422() throws Exception {
        CatalogFixture.awaitReady(port);
        String key = UUID.randomUUID().toString();
        String customer = "buyer-retry";
        String body = "{\"saleId\":\"" + RETRIED_SALE + "\",\"sku\":\"GA\",\"quantity\":1}";
        String otherBody = "{\"saleId\":\"" + RETRIED_SALE + "\",\"sku\":\"GA\",\"quantity\":2}";
        OrderId expected = OrderId.derive(CustomerId.of(customer), SaleId.of(RETRIED_SALE), key);

        broker.stop();
        HttpResponse<String> unacknowledged = order(body, key, customer);
        assertThat(unacknowledged.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(unacknowledged.body()).get("type").asText())
                .isEqualTo("urn:spillway:problem:not-accepted");

        broker.restart();
        // The order behind a 503 may have been written and decided, and may be the one that sold the
        // item out: the door's view now says sold out.
        CatalogFixture.publish(broker.bootstrapServers(), TOPICS,
                ItemAvailability.of(SaleId.of(RETRIED_SALE), Sku.of("GA"), 0, true));
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                order(body, UUID.randomUUID().toString(), "buyer-" + UUID.randomUUID()).statusCode() == 409);
        Map<TopicPartition, Long> before = endOffsets();

        // The client retries with the same key and body, as the 503 told it to, until it is not 503.
        HttpResponse<String> retry = Awaitility.await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> order(body, key, customer), response -> response.statusCode() != 503);
        Map<TopicPartition, Long> afterRetry = endOffsets();
        HttpResponse<String> reused = order(otherBody, key, customer);

        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(retry.body()).get("orderId").asText()).isEqualTo(expected.toString());
        assertThat(publishedBetween(before, afterRetry)).isNotEmpty().containsOnly(expected);
        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(reused.body()).get("type").asText())
                .isEqualTo("urn:spillway:problem:idempotency-key-reused");
        assertThat(endOffsets()).isEqualTo(afterRetry);
    }

    private HttpResponse<String> order(String body, String key, String customer) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                        .POST(BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", key)
                        .header("X-Customer-Id", customer)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                BodyHandlers.ofString());
    }

    private static Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < TOPICS.partitions(); partition++) {
                latest.put(new TopicPartition(TOPICS.requested(), partition), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        }
    }

    /** The order ids of the records written to orders.requested between two sets of end offsets. */
    private static List<OrderId> publishedBetween(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        List<OrderId> orders = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long expected = to.entrySet().stream().mapToLong(e -> e.getValue() - from.get(e.getKey())).sum();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    orders.add(EventJson.read(record.value(), OrderRequested.class).orderId());
                }
                return orders.size() >= expected;
            });
        }
        return orders;
    }

    private HttpResponse<String> order() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                        .POST(BodyPublishers.ofString(ORDER))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .header("X-Customer-Id", "buyer-" + UUID.randomUUID().toString().substring(0, 8))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                BodyHandlers.ofString());
    }
}
