package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.notifier.NotifierApplication;
import io.spillway.testing.SharedInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The notifier against the real broker: the test plays ingest-api and order-processor itself, by
 * producing requests and decisions and by committing the processor group's offsets.
 */
@SpringBootTest(classes = NotifierApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrderStatusIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final String SECRET = "order-status-it-secret-" + UUID.randomUUID();
    private static final String PROCESSOR_GROUP = "order-processor-it-" + UUID.randomUUID();
    private static final OrderTokens TOKENS = new OrderTokens(SECRET);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static KafkaProducer<String, OrderEvent> producer;
    private static Admin admin;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final List<SseClient> streams = new ArrayList<>();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        registry.add("spring.kafka.bootstrap-servers", SharedInfrastructure::kafkaBootstrapServers);
        registry.add("spillway.topics.requested", TOPICS::requested);
        registry.add("spillway.topics.results", TOPICS::results);
        registry.add("spillway.topics.dlq", TOPICS::dlq);
        registry.add("spillway.topics.partitions", () -> 2);
        registry.add("spillway.order-token.secret", () -> SECRET);
        registry.add("spillway.notifier.application-id", () -> "notifier-it-" + UUID.randomUUID());
        registry.add("spillway.notifier.state-dir", Files.createTempDirectory("notifier-it-state")::toString);
        registry.add("spillway.notifier.processor-group", () -> PROCESSOR_GROUP);
        // Short, so that a stream whose client went away is noticed within the test.
        registry.add("spillway.notifier.heartbeat", () -> "2s");
    }

    @BeforeAll
    static void clients() {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), EventSerde.events());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void closeClients() {
        producer.close();
        admin.close();
    }

    @AfterEach
    void noStreamIsLeftOpen() {
        streams.forEach(SseClient::close);
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(meters.get("spillway.notifier.streams.open").gauge().value()).isZero());
    }

    @Test
    void anOrderThatIsNotVisibleYetIsQueuedNotMissing() throws Exception {
        OrderId orderId = OrderId.derive(CustomerId.of("not-yet"), UUID.randomUUID().toString());

        HttpResponse<String> byQuery = get(statusUri(orderId, TOKENS.tokenFor(orderId)), null);
        HttpResponse<String> byHeader = get(statusUri(orderId, null), "Bearer " + TOKENS.tokenFor(orderId));

        for (HttpResponse<String> response : List.of(byQuery, byHeader)) {
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = json.readTree(response.body());
            assertThat(body.get("orderId").asText()).isEqualTo(orderId.toString());
            assertThat(body.get("status").asText()).isEqualTo("QUEUED");
            assertThat(body.get("queue").isObject()).isTrue();
            assertThat(body.get("reason").isNull()).isTrue();
            assertThat(fieldNames(body)).containsExactly(
                    "orderId", "status", "saleId", "sku", "quantity", "seats", "reason", "queue", "updatedAt");
            assertThat(fieldNames(body.get("queue"))).containsExactly("position", "etaSeconds", "confidence");
        }
    }

    @Test
    void aQuietStreamIsKeptAliveWithComments() throws Exception {
        OrderId orderId = OrderId.derive(CustomerId.of("quiet"), UUID.randomUUID().toString());

        SseClient stream = subscribe(orderId, null);

        // Nothing changes for an order that is not visible: after the first event only comments flow.
        await().atMost(PATIENCE).until(() -> stream.comments().size() >= 2);
        assertThat(stream.events()).extracting(SseClient.Event::name).containsExactly("queued");
        assertThat(stream.ended()).isFalse();
    }

    @Test
    void aWrongTokenAMalformedIdOrAnotherOrdersTokenAnswer404() throws Exception {
        OrderRequested order = request("someone", "GA", List.of());
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        awaitStatus(order.orderId(), "QUEUED", body -> !body.get("saleId").isNull());
        OrderId other = OrderId.derive(CustomerId.of("other"), UUID.randomUUID().toString());

        List<HttpResponse<String>> refused = List.of(
                get(statusUri(order.orderId(), "wrong-token"), null),
                get(statusUri(order.orderId(), TOKENS.tokenFor(other)), null),
                get(statusUri(order.orderId(), null), "Bearer " + TOKENS.tokenFor(other)),
                get(statusUri(order.orderId(), null), null),
                get(URI.create(base() + "/api/v1/orders/not-an-order?token=" + TOKENS.tokenFor(order.orderId())), null),
                get(URI.create(eventsUri(order.orderId(), "wrong-token").toString()), null));

        for (HttpResponse<String> response : refused) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            JsonNode problem = json.readTree(response.body());
            assertThat(problem.get("status").asInt()).isEqualTo(404);
            assertThat(problem.get("title").asText()).isEqualTo("Order not found");
            assertThat(problem.has("type")).isTrue();
            assertThat(problem.has("detail")).isTrue();
        }
    }

    @Test
    void aSubscriberBeforeTheDecisionGetsExactlyOneTerminalEventAndTheStreamEnds() throws Exception {
        OrderRequested order = request("early-bird", "VIP", List.of(SeatId.of("A-1"), SeatId.of("A-2")));
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        SseClient stream = subscribe(order.orderId(), null);

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        // Queued with what the request said, once the table has it.
        await().atMost(PATIENCE).until(() -> stream.events().stream()
                .anyMatch(e -> e.name().equals("queued") && e.data().contains("\"saleId\":\"concert\"")));
        assertThat(stream.events().getFirst().retry()).isNotNull();

        send(TOPICS.results(), null, order.orderId().toString(),
                OrderConfirmed.of(order, order.seatIds(), Instant.now()));

        await().atMost(PATIENCE).until(stream::ended);
        List<SseClient.Event> events = stream.events();
        assertThat(events.getLast().name()).isEqualTo("confirmed");
        assertThat(events).filteredOn(e -> !e.name().equals("queued")).hasSize(1);
        assertIdsIncrease(events);
        JsonNode confirmed = json.readTree(events.getLast().data());
        assertThat(confirmed.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(confirmed.get("seats").toString()).isEqualTo("[\"A-1\",\"A-2\"]");
        assertThat(confirmed.get("queue").isNull()).isTrue();
        // The status answer says the same.
        assertThat(json.readTree(get(statusUri(order.orderId(), TOKENS.tokenFor(order.orderId())), null).body()))
                .isEqualTo(confirmed);
    }

    @Test
    void aSubscriberAfterTheDecisionGetsItAtOnceAndAResumedStreamNeverRepeatsQueuedEvents() throws Exception {
        OrderRequested order = request("late-comer", "GA", List.of());
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        send(TOPICS.results(), null, order.orderId().toString(),
                OrderRejected.of(order, RejectionReason.SOLD_OUT, Instant.now()));
        awaitStatus(order.orderId(), "REJECTED", body -> body.get("reason").asText().equals("SOLD_OUT"));

        SseClient fresh = subscribe(order.orderId(), null);
        await().atMost(PATIENCE).until(fresh::ended);
        assertThat(fresh.events()).extracting(SseClient.Event::name).containsExactly("rejected");
        SseClient.Event terminal = fresh.events().getFirst();
        assertThat(json.readTree(terminal.data()).get("reason").asText()).isEqualTo("SOLD_OUT");

        // A client that had queued events and lost the connection gets the end of the story, only.
        SseClient resumed = subscribe(order.orderId(), Long.toString(System.currentTimeMillis()));
        await().atMost(PATIENCE).until(resumed::ended);
        assertThat(resumed.events()).containsExactly(terminal);

        // A client that already has the terminal event gets nothing more, and is told to stop.
        SseClient finished = subscribe(order.orderId(), terminal.id());
        await().atMost(PATIENCE).until(finished::ended);
        assertThat(finished.status()).isEqualTo(204);
        assertThat(finished.events()).isEmpty();
    }

    @Test
    void thePositionFallsAsTheProcessorGroupCommitsAndStreamsFollowIt() throws Exception {
        List<OrderRequested> line = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            OrderRequested order = request("in-line-" + i, "GA", List.of());
            line.add(order);
            offsets.add(send(TOPICS.requested(), 0, order.itemKey().toString(), order));
        }
        OrderId last = line.getLast().orderId();
        long first = offsets.getFirst();
        commit(first);

        awaitStatus(last, "QUEUED", body -> body.get("queue").get("position").asLong() == 4);
        SseClient stream = subscribe(last, null);
        await().atMost(PATIENCE).until(() -> positions(stream).contains(4L));

        commit(first + 3);

        awaitStatus(last, "QUEUED", body -> body.get("queue").get("position").asLong() == 1);
        await().atMost(PATIENCE).until(() -> positions(stream).contains(1L));
        // The line moved while it had work: its speed is known now.
        JsonNode queue = json.readTree(get(statusUri(last, TOKENS.tokenFor(last)), null).body()).get("queue");
        assertThat(queue.get("etaSeconds").isIntegralNumber()).isTrue();
        assertThat(queue.get("confidence").asDouble()).isBetween(0.0, 1.0);

        commit(first + 10);

        awaitStatus(last, "QUEUED", body -> body.get("queue").get("position").asLong() == 0);
        assertThat(positions(stream)).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertIdsIncrease(stream.events());
        // Queued ids are their send times: no two queued events less than a second apart.
        List<Long> ids = stream.events().stream().map(e -> Long.parseLong(e.id())).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i) - ids.get(i - 1)).isGreaterThanOrEqualTo(990);
        }
    }

    private SseClient subscribe(OrderId orderId, String lastEventId) throws Exception {
        SseClient stream = SseClient.open(http, eventsUri(orderId, TOKENS.tokenFor(orderId)), lastEventId);
        streams.add(stream);
        return stream;
    }

    private List<Long> positions(SseClient stream) throws IOException {
        List<Long> positions = new ArrayList<>();
        for (SseClient.Event event : stream.events()) {
            JsonNode position = json.readTree(event.data()).get("queue").get("position");
            if (!position.isNull()) {
                positions.add(position.asLong());
            }
        }
        return positions;
    }

    private static void assertIdsIncrease(List<SseClient.Event> events) {
        List<Long> ids = events.stream().map(e -> Long.parseLong(e.id())).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
        }
    }

    private void awaitStatus(OrderId orderId, String status, java.util.function.Predicate<JsonNode> also) {
        await().atMost(PATIENCE).until(() -> {
            JsonNode body = json.readTree(get(statusUri(orderId, TOKENS.tokenFor(orderId)), null).body());
            return body.get("status").asText().equals(status) && also.test(body);
        });
    }

    private static long send(String topic, Integer partition, String key, OrderEvent event) throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition, key, event)).get().offset();
    }

    private static void commit(long offset) throws Exception {
        admin.alterConsumerGroupOffsets(PROCESSOR_GROUP,
                        Map.of(new TopicPartition(TOPICS.requested(), 0), new OffsetAndMetadata(offset)))
                .all()
                .get();
    }

    private static OrderRequested request(String customer, String sku, List<SeatId> seats) {
        CustomerId customerId = CustomerId.of(customer);
        return OrderRequested.of(OrderId.derive(customerId, UUID.randomUUID().toString()), customerId,
                SaleId.of("concert"), Sku.of(sku), seats.isEmpty() ? 1 : seats.size(), seats, Instant.now());
    }

    private HttpResponse<String> get(URI uri, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(PATIENCE).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI statusUri(OrderId orderId, String token) {
        return URI.create(base() + "/api/v1/orders/" + orderId + (token == null ? "" : "?token=" + token));
    }

    private URI eventsUri(OrderId orderId, String token) {
        return URI.create(base() + "/api/v1/orders/" + orderId + "/events?token=" + token);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
