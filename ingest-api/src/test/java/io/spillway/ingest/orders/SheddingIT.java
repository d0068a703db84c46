package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventJson;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Topics;
import io.spillway.ingest.CatalogFixture;
import io.spillway.ingest.IngestApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What waits for a stalled broker is bounded: with a bound of three, three orders wait for a broker
 * that is away, every further one is answered 503 {@code overloaded} while those three still wait
 * (so at once, without a timer to tell it), none of them is held or published, and once the broker
 * is back the door answers 202 again by itself. The long send timeout keeps the three waiting for
 * the whole of the test's middle part. The broker is this test's own, as in BrokerRestartIT.
 */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.order-token.secret=shedding-it-secret-of-at-least-32-bytes",
            "spillway.ingest.payment.tokens=shedding-it-payment-token-of-at-least-32-bytes",
            "spillway.ingest.send-timeout=60s",
            "spillway.ingest.max-block=500ms",
            "spillway.ingest.retry-after=2s",
            "spillway.ingest.max-in-flight=3",
            "spillway.topics.partitions=3"
        })
@DirtiesContext
class SheddingIT {

    private static final int BOUND = 3;
    private static final Topics TOPICS = new Topics("orders.requested", "orders.results", "orders.dlq", 3, (short) 1);
    private static final String SALE = "shedding";
    private static final String ORDER = "{\"saleId\":\"" + SALE + "\",\"sku\":\"GA\",\"quantity\":1}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RestartableBroker broker;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = RestartableBroker.start("ingest-shedding");
        CatalogFixture.createTopics(broker.bootstrapServers(), TOPICS);
        CatalogFixture.publish(broker.bootstrapServers(), TOPICS,
                CatalogFixture.sale(SALE, CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1"));
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
    void beyondItsBoundAStalledBrokersOrdersAre503AtOnceNothingMoreIsHeldAndTheDoorRecoversByItself(
            @Autowired OrderLog orderLog) throws Exception {
        KafkaOrderLog sends = (KafkaOrderLog) orderLog;
        CatalogFixture.awaitReady(port);
        assertThat(order(UUID.randomUUID().toString()).statusCode()).isEqualTo(202);

        broker.stop();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < BOUND; i++) {
            waiting.add(http.sendAsync(request(UUID.randomUUID().toString()), BodyHandlers.ofString()));
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sends.inFlight() == BOUND);

        Set<OrderId> shed = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String key = UUID.randomUUID().toString();
            HttpResponse<String> response = order(key);

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            JsonNode problem = JSON.readTree(response.body());
            assertThat(problem.get("type").asText()).isEqualTo("urn:spillway:problem:overloaded");
            assertThat(problem.get("status").asInt()).isEqualTo(503);
            assertThat(sends.inFlight()).isEqualTo(BOUND);
            shed.add(OrderId.derive(customer(key), SaleId.of(SALE), key));
        }
        // Every one of the twenty was answered while the three were still waiting: none queued.
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        broker.restart();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> order(UUID.randomUUID().toString()).statusCode() == 202);
        for (CompletableFuture<HttpResponse<String>> answer : waiting) {
            assertThat(answer.get().statusCode()).isIn(202, 503);
        }
        assertThat(sends.inFlight()).isZero();
        assertThat(published()).isNotEmpty().doesNotContainAnyElementsOf(shed);
    }

    private HttpResponse<String> order(String key) throws Exception {
        return http.send(request(key), BodyHandlers.ofString());
    }

    private HttpRequest request(String key) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                .POST(BodyPublishers.ofString(ORDER))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .header("X-Customer-Id", customer(key).value())
                .timeout(Duration.ofSeconds(90))
                .build();
    }

    /** A customer per key, so that no customer's rate limit is reached. */
    private static CustomerId customer(String key) {
        return CustomerId.of("buyer-" + key.substring(0, 8));
    }

    /** Every order id on orders.requested, from its beginning to its end now. */
    private static List<OrderId> published() {
        List<OrderId> orders = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int partition = 0; partition < TOPICS.partitions(); partition++) {
                partitions.add(new TopicPartition(TOPICS.requested(), partition));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    orders.add(EventJson.read(record.value(), OrderRequested.class).orderId());
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
        }
        return orders;
    }
}
