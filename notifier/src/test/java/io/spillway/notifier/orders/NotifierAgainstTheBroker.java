package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventJson;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderResult;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.notifier.NotifierApplication;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The notifier against the real broker, shared by the notifier's integration tests: the tests play
 * ingest-api and order-processor themselves, by producing requests and decisions and by committing
 * the processor group's offsets. One application context serves every subclass (same settings), and
 * every test leaves no stream open.
 */
@SpringBootTest(classes = NotifierApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class NotifierAgainstTheBroker {

    static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    static final String SECRET = "order-status-it-secret-" + UUID.randomUUID();
    static final String PROCESSOR_GROUP = "order-processor-it-" + UUID.randomUUID();
    static final OrderTokens TOKENS = new OrderTokens(SECRET);
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final int MAX_STREAMS_PER_ORDER = 3;

    static KafkaProducer<String, OrderEvent> producer;
    /** For what only {@code orders.results} carries (ends of holds, refused payments), in the contract's form. */
    static KafkaProducer<String, byte[]> results;
    static Admin admin;

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();
    final List<SseClient> streams = new java.util.concurrent.CopyOnWriteArrayList<>();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    org.springframework.context.ApplicationContext context;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        TestProperties.kafka(registry, TOPICS);
        registry.add("spillway.topics.partitions", () -> 2);
        registry.add("spillway.order-token.secret", () -> SECRET);
        registry.add("spillway.notifier.application-id", () -> "notifier-it-" + UUID.randomUUID());
        registry.add("spillway.notifier.state-dir", Files.createTempDirectory("notifier-it-state")::toString);
        registry.add("spillway.notifier.processor-group", () -> PROCESSOR_GROUP);
        // Short, so that a stream whose client went away is noticed within the test.
        registry.add("spillway.notifier.heartbeat", () -> "2s");
        registry.add("spillway.notifier.max-streams-per-order", () -> MAX_STREAMS_PER_ORDER);
    }

    @BeforeAll
    static void clients() {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), EventSerde.events());
        results = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void closeClients() {
        producer.close();
        results.close();
        admin.close();
    }

    @AfterEach
    void noStreamIsLeftOpen() {
        streams.forEach(SseClient::close);
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(meters.get("spillway.notifier.streams.open").gauge().value()).isZero());
    }

    SseClient subscribe(OrderId orderId, String lastEventId) throws Exception {
        SseClient stream = SseClient.open(http, eventsUri(orderId, TOKENS.tokenFor(orderId)), lastEventId);
        streams.add(stream);
        return stream;
    }

    static void assertIdsIncrease(List<SseClient.Event> events) {
        List<Long> ids = events.stream().map(e -> Long.parseLong(e.id())).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
        }
    }

    void awaitStatus(OrderId orderId, String status, java.util.function.Predicate<JsonNode> also) {
        await().atMost(PATIENCE).until(() -> {
            JsonNode body = json.readTree(get(statusUri(orderId, TOKENS.tokenFor(orderId)), null).body());
            return body.get("status").asText().equals(status) && also.test(body);
        });
    }

    static long send(String topic, Integer partition, String key, OrderEvent event) throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition, key, event)).get().offset();
    }

    /** A result as the processor publishes it: keyed by its order id, {@link EventJson#writeResult}. */
    static long publish(OrderResult result) throws Exception {
        return results.send(new ProducerRecord<>(TOPICS.results(), result.orderId().toString(),
                EventJson.writeResult(result))).get().offset();
    }

    static OrderRequested request(String customer, String sku, List<SeatId> seats) {
        CustomerId customerId = CustomerId.of(customer);
        return OrderRequested.of(OrderId.derive(customerId, SaleId.of("concert"), UUID.randomUUID().toString()), customerId,
                SaleId.of("concert"), Sku.of(sku), seats.isEmpty() ? 1 : seats.size(), seats, Instant.now());
    }

    HttpResponse<String> get(URI uri, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(PATIENCE).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    URI statusUri(OrderId orderId, String token) {
        return URI.create(base() + "/api/v1/orders/" + orderId + (token == null ? "" : "?token=" + token));
    }

    URI eventsUri(OrderId orderId, String token) {
        return URI.create(base() + "/api/v1/orders/" + orderId + "/events?token=" + token);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }
}
