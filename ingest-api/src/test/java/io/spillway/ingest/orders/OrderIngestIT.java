package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.CustomerId;
import io.spillway.contract.ItemAvailability;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.EventJson;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.SeatId;
import io.spillway.contract.Topics;
import io.spillway.ingest.CatalogFixture;
import io.spillway.ingest.IngestApplication;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The door against the real broker, spoken to in raw HTTP: what a valid order leaves on the topic,
 * and that every kind of bad request gets its status as problem+json and leaves the topic untouched.
 * The sales it orders from are published to the test's own catalogue topics as inventory-service
 * would, before the service starts.
 */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // Rate limits have their own test; here they must not interfere.
        properties = "spillway.ingest.rate-limit.customer.requests=100000")
// Tests turn metrics export off by default; the prometheus endpoint is part of what is checked here.
@AutoConfigureObservability(tracing = false)
class OrderIngestIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final String SECRET = "order-ingest-it-secret-of-at-least-32-bytes";
    private static final String VALID = "{\"saleId\":\"concert-2026-12-24\",\"sku\":\"GA\",\"quantity\":2}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Admin admin;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry, TOPICS);
        registry.add("spillway.order-token.secret", () -> SECRET);
        registry.add("spillway.ingest.payment.tokens", () -> "order-ingest-it-payment-token-of-32-bytes");
    }

    @BeforeAll
    static void connect() throws Exception {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        CatalogFixture.createTopics(bootstrap, TOPICS);
        CatalogFixture.publish(bootstrap, TOPICS,
                CatalogFixture.sale("concert-2026-12-24", CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1", "A-2", "A-3"),
                CatalogFixture.sale("opera", CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1", "A-2"),
                CatalogFixture.sale("later", Instant.now().plus(Duration.ofDays(1)), 4, "GA", "VIP", "A-1"),
                CatalogFixture.sale("gone", CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1"),
                CatalogFixture.prequeueSale("prequeue-open", CatalogFixture.anHourAgo(),
                        Instant.now().plus(Duration.ofDays(1)), "GA"),
                CatalogFixture.prequeueSale("prequeue-later", Instant.now().plus(Duration.ofHours(1)),
                        Instant.now().plus(Duration.ofDays(1)), "GA"),
                ItemAvailability.of(SaleId.of("gone"), Sku.of("GA"), 0, true));
    }

    @BeforeEach
    void ready() {
        CatalogFixture.awaitReady(port);
    }

    @AfterAll
    static void disconnect() {
        admin.close();
    }

    @Test
    void tomcatKeepsMoreIdleProcessorsThanItsDefaultOf200(
            @Autowired ServletWebServerApplicationContext context) {
        // A request holds its processor while it waits for the acknowledgement; Tomcat's default
        // cache (200) dropped the ones above it at saturation (docs/benchmarks/ingest.md, 2026-12-03).
        Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();

        assertThat(((AbstractProtocol<?>) connector.getProtocolHandler()).getProcessorCache()).isEqualTo(512);
    }

    @Test
    void tomcatHoldsNoMoreConnectionsAndRequestsThanTheHeapCanHold(
            @Autowired ServletWebServerApplicationContext context, @Autowired IngestProperties settings) {
        Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();
        AbstractProtocol<?> protocol = (AbstractProtocol<?>) connector.getProtocolHandler();
        long maxHeap = Runtime.getRuntime().maxMemory();

        assertThat(protocol.getExecutor()).isInstanceOf(TomcatLimits.Turns.class);
        assertThat(protocol.getMaxConnections())
                .isEqualTo(settings.connectionLimit(8_192, maxHeap))
                .isLessThanOrEqualTo((int) (maxHeap * settings.connectionHeapShare() / settings.connectionSize().toBytes()));
    }

    @Test
    void aValidOrderIsAcceptedOnceTheBrokerHoldsItInItsItemsPartition() throws Exception {
        String key = UUID.randomUUID().toString();
        OrderId expected = OrderId.derive(CustomerId.of("buyer-1"), SaleId.of("concert-2026-12-24"), key);
        String token = new OrderTokens(SECRET).tokenFor(expected);
        Map<TopicPartition, Long> before = endOffsets();

        HttpResponse<String> response = post(VALID, b -> b
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("Idempotency-Key", key)
                .header("X-Customer-Id", "buyer-1"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.headers().firstValue("Location")).hasValue("/api/v1/orders/" + expected);
        // Written whole, with its length: not chunked (one write to the socket per answer).
        assertThat(response.headers().firstValue("Content-Length")).hasValue(
                Integer.toString(response.body().getBytes(StandardCharsets.UTF_8).length));
        JsonNode body = JSON.readTree(response.body());
        JsonNode expectedBody = JSON.readTree("""
                {"orderId":"%1$s","status":"QUEUED","accessToken":"%2$s",
                 "links":{"status":"/api/v1/orders/%1$s?token=%2$s","events":"/api/v1/orders/%1$s/events?token=%2$s"}}
                """.formatted(expected, token));
        assertThat(body).isEqualTo(expectedBody);

        String itemKey = "concert-2026-12-24/GA";
        int partition = Utils.toPositive(Utils.murmur2(itemKey.getBytes(StandardCharsets.UTF_8))) % before.size();
        Map<TopicPartition, Long> after = endOffsets();
        TopicPartition expectedPartition = new TopicPartition(TOPICS.requested(), partition);
        Map<TopicPartition, Long> grown = new HashMap<>();
        after.forEach((tp, end) -> {
            if (end - before.get(tp) != 0) {
                grown.put(tp, end - before.get(tp));
            }
        });
        assertThat(grown).containsExactly(Map.entry(expectedPartition, 1L));

        ConsumerRecord<String, byte[]> record = recordAt(expectedPartition, before.get(expectedPartition));
        assertThat(record.key()).isEqualTo(itemKey);
        OrderRequested published = EventJson.read(record.value(), OrderRequested.class);
        assertThat(published.orderId()).isEqualTo(expected);
        assertThat(published.customerId()).isEqualTo(CustomerId.of("buyer-1"));
        assertThat(published.quantity()).isEqualTo(2);
        assertThat(published.seatIds()).isEmpty();
    }

    @Test
    void theSameKeyTwiceNamesTheSameOrder() throws Exception {
        String key = UUID.randomUUID().toString();
        UnaryOperator<HttpRequest.Builder> headers = b -> b
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .header("X-Customer-Id", "buyer-2");

        HttpResponse<String> first = post(VALID, headers);
        HttpResponse<String> second = post(VALID, headers);
        HttpResponse<String> other = post(VALID, b -> headers.apply(b).setHeader("Idempotency-Key", key + "-other"));

        assertThat(List.of(first.statusCode(), second.statusCode(), other.statusCode())).containsOnly(202);
        String orderId = JSON.readTree(first.body()).get("orderId").asText();
        assertThat(orderId).isEqualTo(OrderId.derive(CustomerId.of("buyer-2"), SaleId.of("concert-2026-12-24"), key).toString());
        assertThat(JSON.readTree(second.body())).isEqualTo(JSON.readTree(first.body()));
        assertThat(JSON.readTree(other.body()).get("orderId").asText()).isNotEqualTo(orderId);
    }

    @Test
    void theSameKeyInALaterSaleIsANewOrderAndInTheSameSaleStillAReplay() throws Exception {
        String key = UUID.randomUUID().toString();
        UnaryOperator<HttpRequest.Builder> headers = b -> b
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .header("X-Customer-Id", "buyer-sales");
        String inOpera = "{\"saleId\":\"opera\",\"sku\":\"GA\",\"quantity\":2}";
        assertThat(post(VALID, headers).statusCode()).isEqualTo(202);
        Map<TopicPartition, Long> before = endOffsets();

        HttpResponse<String> later = post(inOpera, headers);
        HttpResponse<String> retryInTheSameSale = post(inOpera, headers);

        OrderId inConcert = OrderId.derive(CustomerId.of("buyer-sales"), SaleId.of("concert-2026-12-24"), key);
        OrderId expected = OrderId.derive(CustomerId.of("buyer-sales"), SaleId.of("opera"), key);
        assertThat(expected).isNotEqualTo(inConcert);
        assertThat(later.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(later.body()).get("orderId").asText()).isEqualTo(expected.toString());
        // The body fingerprint is kept per order id, so the same body again in the same sale is a retry.
        assertThat(retryInTheSameSale.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(retryInTheSameSale.body())).isEqualTo(JSON.readTree(later.body()));
        TopicPartition partition = new TopicPartition(TOPICS.requested(),
                Utils.toPositive(Utils.murmur2("opera/GA".getBytes(StandardCharsets.UTF_8))) % before.size());
        long published = endOffsets().get(partition) - before.get(partition);
        assertThat(recordsFrom(partition, before.get(partition), (int) published))
                .extracting(r -> EventJson.read(r.value(), OrderRequested.class).orderId())
                .hasSize(2)
                .containsOnly(expected);
    }

    @Test
    void aSeatedOrderCarriesItsSeats() throws Exception {
        String key = UUID.randomUUID().toString();
        Map<TopicPartition, Long> before = endOffsets();

        HttpResponse<String> response = post("{\"saleId\":\"opera\",\"sku\":\"VIP\",\"seatIds\":[\"A-2\",\"A-1\"]}",
                b -> b.header("Content-Type", "application/json")
                        .header("Accept", "text/html")
                        .header("Idempotency-Key", key)
                        .header("X-Customer-Id", "buyer-3"));

        assertThat(response.statusCode()).isEqualTo(202);
        String itemKey = "opera/VIP";
        TopicPartition partition = new TopicPartition(TOPICS.requested(),
                Utils.toPositive(Utils.murmur2(itemKey.getBytes(StandardCharsets.UTF_8))) % before.size());
        OrderRequested published = EventJson.read(recordAt(partition, before.get(partition)).value(), OrderRequested.class);
        assertThat(published.orderId()).isEqualTo(OrderId.derive(CustomerId.of("buyer-3"), SaleId.of("opera"), key));
        assertThat(published.seatIds()).containsExactly(SeatId.of("A-2"), SeatId.of("A-1"));
        assertThat(published.quantity()).isEqualTo(2);
    }

    static Stream<Arguments> badRequests() {
        byte[] invalidUtf8 = "{\"saleId\":\"s_\",\"sku\":\"GA\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8);
        invalidUtf8[13] = (byte) 0xFF;
        String big = "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1,\"note\":\"" + "x".repeat(4100) + "\"}";
        List<Arguments> cases = new ArrayList<>();
        cases.add(bad("malformed JSON", "{saleId:1}", 400, "body"));
        cases.add(bad("truncated JSON", "{\"saleId\":\"s\",\"sku\":\"GA\",\"quan", 400, "body"));
        cases.add(bad("empty body", "", 400, "body"));
        cases.add(bad("an array", "[" + VALID + "]", 400, "body"));
        cases.add(bad("trailing tokens", VALID + " {}", 400, "body"));
        cases.add(bad("wrong types", "{\"saleId\":7,\"sku\":[\"GA\"],\"quantity\":\"2\"}", 400, "saleId"));
        cases.add(bad("unknown field", "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1,\"price\":0}", 400, "price"));
        cases.add(bad("missing field", "{\"saleId\":\"s\",\"quantity\":1}", 400, "sku"));
        cases.add(bad("invalid saleId", "{\"saleId\":\"a/b\",\"sku\":\"GA\",\"quantity\":1}", 400, "saleId"));
        cases.add(Arguments.of("invalid UTF-8 bytes", new Request(invalidUtf8, false, headers()), 400, "body"));
        cases.add(bad("quantity 0", "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":0}", 400, "quantity"));
        cases.add(bad("quantity -1", "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":-1}", 400, "quantity"));
        cases.add(bad("quantity 1e9", "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1e9}", 400, "quantity"));
        cases.add(bad("quantity as a string", "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":\"1\"}", 400, "quantity"));
        cases.add(bad("duplicated seat ids", "{\"saleId\":\"s\",\"sku\":\"V\",\"seatIds\":[\"A-1\",\"A-1\"]}", 400, "seatIds[1]"));
        cases.add(bad("quantity not the seat count", "{\"saleId\":\"s\",\"sku\":\"V\",\"seatIds\":[\"A-1\"],\"quantity\":2}", 400, "quantity"));
        cases.add(bad("quantity 101", "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":101}", 400, "quantity"));
        cases.add(bad("body over 4 KiB", big, 413, "body"));
        cases.add(bad("unknown sale", "{\"saleId\":\"no-such-sale\",\"sku\":\"GA\",\"quantity\":1}", 422, "saleId"));
        cases.add(bad("unknown item", "{\"saleId\":\"opera\",\"sku\":\"BALCONY\",\"quantity\":1}", 422, "sku"));
        cases.add(bad("seats not in the item", "{\"saleId\":\"opera\",\"sku\":\"VIP\",\"seatIds\":[\"A-1\",\"Z-9\"]}", 422,
                "seatIds[1]"));
        cases.add(bad("seats for an item sold by count", "{\"saleId\":\"opera\",\"sku\":\"GA\",\"seatIds\":[\"A-1\"]}", 422,
                "seatIds"));
        cases.add(bad("quantity above the per-customer limit", "{\"saleId\":\"opera\",\"sku\":\"GA\",\"quantity\":5}", 422,
                "quantity"));
        cases.add(bad("sale not open yet", "{\"saleId\":\"later\",\"sku\":\"GA\",\"quantity\":1}", 409, "saleId"));
        cases.add(bad("item sold out", "{\"saleId\":\"gone\",\"sku\":\"GA\",\"quantity\":1}", 409, "sku"));
        cases.add(Arguments.of("chunked body over 4 KiB",
                new Request(big.getBytes(StandardCharsets.UTF_8), true, headers()), 413, "body"));
        cases.add(withHeaders("text/plain", headers("Content-Type", "text/plain"), 415, "Content-Type"));
        cases.add(withHeaders("no Content-Type", headers("Content-Type", null), 415, "Content-Type"));
        // Found by DoorFuzzIT: Spring's multipart parsing ran before the door and answered 500.
        cases.add(withHeaders("multipart without a boundary", headers("Content-Type", "multipart/form-data"), 415,
                "Content-Type"));
        cases.add(withHeaders("JSON in Latin-1", headers("Content-Type", "application/json; charset=ISO-8859-1"), 415,
                "Content-Type"));
        cases.add(withHeaders("missing Idempotency-Key", headers("Idempotency-Key", null), 400, "Idempotency-Key"));
        cases.add(withHeaders("oversized Idempotency-Key", headers("Idempotency-Key", "k".repeat(65)), 400,
                "Idempotency-Key"));
        cases.add(withHeaders("Idempotency-Key with a space", headers("Idempotency-Key", "a b"), 400, "Idempotency-Key"));
        cases.add(withHeaders("missing X-Customer-Id", headers("X-Customer-Id", null), 400, "X-Customer-Id"));
        cases.add(withHeaders("oversized X-Customer-Id", headers("X-Customer-Id", "c".repeat(65)), 400, "X-Customer-Id"));
        cases.add(withHeaders("invalid X-Customer-Id", headers("X-Customer-Id", "who/ever"), 400, "X-Customer-Id"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badRequests")
    void aBadRequestIsAnsweredWithAProblemAndPublishesNothing(String name, Request request, int status, String field)
            throws Exception {
        Map<TopicPartition, Long> before = endOffsets();

        HttpResponse<String> response = send(request);

        assertThat(response.statusCode()).as(name).isEqualTo(status);
        JsonNode problem = problem(response, status);
        assertThat(problem.get("errors")).as("errors of " + response.body()).isNotNull();
        assertThat(problem.get("errors").findValuesAsText("field")).contains(field);
        assertThat(endOffsets()).isEqualTo(before);
    }

    @Test
    void springsOwnErrorsAreProblemsToo() throws Exception {
        Map<TopicPartition, Long> before = endOffsets();

        HttpResponse<String> wrongMethod = http.send(
                HttpRequest.newBuilder(uri("/api/v1/orders")).GET().header("Accept", "text/html").build(),
                BodyHandlers.ofString());
        HttpResponse<String> noSuchPath = http.send(
                HttpRequest.newBuilder(uri("/api/v1/nothing-here")).POST(BodyPublishers.ofString(VALID))
                        .header("Content-Type", "application/json").build(),
                BodyHandlers.ofString());

        problem(wrongMethod, 405);
        problem(noSuchPath, 404);
        assertThat(endOffsets()).isEqualTo(before);
    }

    @Test
    void acceptedAndRefusedOrdersAreCounted() throws Exception {
        post(VALID, b -> b.header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("X-Customer-Id", "buyer-4"));
        post(VALID, b -> b.header("Content-Type", "text/plain"));

        String metrics = http.send(HttpRequest.newBuilder(uri("/actuator/prometheus")).build(), BodyHandlers.ofString())
                .body();

        assertThat(metrics).containsPattern("spillway_ingest_orders_accepted_total(\\{[^}]*})? [1-9]");
        assertThat(metrics).containsPattern("spillway_ingest_orders_refused_total\\{[^}]*status=\"415\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("spillway_ingest_broker_ack_seconds_count\\{[^}]*outcome=\"acked\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("spillway_ingest_orders_refused_total\\{[^}]*reason=\"not-json\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("spillway_ingest_broker_ack_seconds_bucket\\{[^}]*outcome=\"acked\"");
        assertThat(metrics).containsPattern("spillway_ingest_sends_in_flight(\\{[^}]*})? 0");
    }

    @Test
    void aSaleNotOpenYetSaysWhenToComeBack() throws Exception {
        HttpResponse<String> response = post("{\"saleId\":\"later\",\"sku\":\"GA\",\"quantity\":1}", b -> b
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("X-Customer-Id", "early-bird"));

        JsonNode problem = problem(response, 409);
        assertThat(problem.get("type").asText()).isEqualTo("urn:spillway:problem:not-open");
        // The sale opens in a day: Retry-After is the seconds until then, give or take the test's own run,
        // spread by up to the opening jitter (CONTRACT.md: "spread by a small random jitter").
        assertThat(Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(Duration.ofDays(1).minusMinutes(5).toSeconds(),
                        Duration.ofDays(1).plus(OrderIntake.OPENING_JITTER).toSeconds() + 1);
    }

    @Test
    void aSaleWithAPrequeueTakesOrdersFromThePrequeueAndSaysWhenItOpens() throws Exception {
        UnaryOperator<HttpRequest.Builder> headers = b -> b
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("X-Customer-Id", "early-bird");

        // In the pre-queue window: accepted, a day before the sale opens.
        HttpResponse<String> joined = post("{\"saleId\":\"prequeue-open\",\"sku\":\"GA\",\"quantity\":1}", headers);
        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(202);

        // Before the pre-queue opens: 409, come back when the pre-queue opens (an hour), not the sale (a day).
        HttpResponse<String> early = post("{\"saleId\":\"prequeue-later\",\"sku\":\"GA\",\"quantity\":1}", headers);
        JsonNode problem = problem(early, 409);
        assertThat(problem.get("type").asText()).isEqualTo("urn:spillway:problem:not-open");
        assertThat(Long.parseLong(early.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(Duration.ofHours(1).minusMinutes(5).toSeconds(),
                        Duration.ofHours(1).plus(OrderIntake.OPENING_JITTER).toSeconds() + 1);
    }

    @Test
    void aKeyReusedWithAnotherBodyIs422AndPublishesNothing() throws Exception {
        String key = UUID.randomUUID().toString();
        UnaryOperator<HttpRequest.Builder> headers = b -> b
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .header("X-Customer-Id", "buyer-reuse");
        assertThat(post(VALID, headers).statusCode()).isEqualTo(202);
        Map<TopicPartition, Long> before = endOffsets();

        HttpResponse<String> reused = post("{\"saleId\":\"concert-2026-12-24\",\"sku\":\"GA\",\"quantity\":3}", headers);
        HttpResponse<String> sameOrderOtherSpelling =
                post("{ \"quantity\": 2, \"sku\": \"GA\", \"saleId\": \"concert-2026-12-24\" }", headers);

        JsonNode problem = problem(reused, 422);
        assertThat(problem.get("type").asText()).isEqualTo("urn:spillway:problem:idempotency-key-reused");
        assertThat(problem.get("errors").findValuesAsText("field")).containsExactly("Idempotency-Key");
        assertThat(sameOrderOtherSpelling.statusCode()).isEqualTo(202);
        Map<TopicPartition, Long> after = endOffsets();
        long grown = after.entrySet().stream().mapToLong(e -> e.getValue() - before.get(e.getKey())).sum();
        // Only the retry of the same order was published (the processor replays its decision).
        assertThat(grown).isEqualTo(1);
    }

    @Test
    void fiftyConcurrentRetriesOfOneKeyNameOneOrder() throws Exception {
        String key = UUID.randomUUID().toString();
        OrderId expected = OrderId.derive(CustomerId.of("buyer-storm"), SaleId.of("opera"), key);
        Map<TopicPartition, Long> before = endOffsets();
        HttpRequest request = HttpRequest.newBuilder(uri("/api/v1/orders"))
                .POST(BodyPublishers.ofString("{\"saleId\":\"opera\",\"sku\":\"GA\",\"quantity\":1}"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .header("X-Customer-Id", "buyer-storm")
                .build();

        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(http.sendAsync(request, BodyHandlers.ofString()));
        }

        for (var answer : answers) {
            HttpResponse<String> response = answer.get();
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(JSON.readTree(response.body()).get("orderId").asText()).isEqualTo(expected.toString());
        }
        String itemKey = "opera/GA";
        TopicPartition partition = new TopicPartition(TOPICS.requested(),
                Utils.toPositive(Utils.murmur2(itemKey.getBytes(StandardCharsets.UTF_8))) % before.size());
        long published = endOffsets().get(partition) - before.get(partition);
        assertThat(published).isBetween(1L, 50L);
        List<ConsumerRecord<String, byte[]>> records = recordsFrom(partition, before.get(partition), (int) published);
        assertThat(records).extracting(r -> EventJson.read(r.value(), OrderRequested.class).orderId())
                .containsOnly(expected);
    }

    @Test
    void onceAnItemIsSoldOutItsOrdersNoLongerReachTheTopic() throws Exception {
        String saleId = "flash-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"saleId\":\"" + saleId + "\",\"sku\":\"GA\",\"quantity\":1}";
        CatalogFixture.publish(SharedInfrastructure.kafkaBootstrapServers(), TOPICS,
                CatalogFixture.sale(saleId, CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1"),
                ItemAvailability.of(SaleId.of(saleId), Sku.of("GA"), 1, false));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> order(body).statusCode() == 202);

        CatalogFixture.publish(SharedInfrastructure.kafkaBootstrapServers(), TOPICS,
                ItemAvailability.of(SaleId.of(saleId), Sku.of("GA"), 0, true));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> order(body).statusCode() == 409);
        Map<TopicPartition, Long> before = endOffsets();

        for (int i = 0; i < 20; i++) {
            HttpResponse<String> refused = order(body);
            assertThat(problem(refused, 409).get("type").asText()).isEqualTo("urn:spillway:problem:sold-out");
        }
        assertThat(endOffsets()).isEqualTo(before);
    }

    @Test
    void aPausedSaleRefusesOrdersForNowAResumedOneTakesThemAndAClosedOneRefusesThemForGood() throws Exception {
        String saleId = "paused-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"saleId\":\"" + saleId + "\",\"sku\":\"VIP\",\"quantity\":1,\"seatIds\":[\"A-1\"]}";
        CatalogFixture.Sale sale = CatalogFixture.sale(saleId, CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1");
        CatalogFixture.publish(SharedInfrastructure.kafkaBootstrapServers(), TOPICS, sale);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> order(body).statusCode() == 202);

        // As inventory's relay publishes a pause: the sale's record again, its seats not.
        CatalogFixture.publish(SharedInfrastructure.kafkaBootstrapServers(), TOPICS, sale.definition().withPaused(true));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> order(body).statusCode() == 409);
        Map<TopicPartition, Long> before = endOffsets();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> refused = order(body);
            assertThat(problem(refused, 409).get("type").asText()).isEqualTo("urn:spillway:problem:sale-paused");
            assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        }
        assertThat(endOffsets()).isEqualTo(before);

        CatalogFixture.publish(SharedInfrastructure.kafkaBootstrapServers(), TOPICS, sale.definition());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> order(body).statusCode() == 202);

        CatalogFixture.publish(SharedInfrastructure.kafkaBootstrapServers(), TOPICS,
                sale.definition().withClosedAt(Instant.now()));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> order(body).statusCode() == 409);
        before = endOffsets();
        HttpResponse<String> closed = order(body);
        assertThat(problem(closed, 409).get("type").asText()).isEqualTo("urn:spillway:problem:sale-closed");
        assertThat(closed.headers().firstValue("Retry-After")).isEmpty();
        assertThat(endOffsets()).isEqualTo(before);
    }

    @Test
    void servesItsOpenApiDescriptionAsCheckedIn() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/openapi/ingest-api.yaml")).build(),
                BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(java.nio.file.Files.readString(
                java.nio.file.Path.of("..", "docs", "openapi", "ingest-api.yaml")));
        assertThat(response.body()).contains("/api/v1/orders:", "'429':", "'503':");
    }

    private HttpResponse<String> order(String body) throws IOException, InterruptedException {
        return post(body, b -> b.header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("X-Customer-Id", "buyer-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    // --- requests

    /** A raw request: the exact body bytes, whether to send it chunked, and the headers (null = absent). */
    record Request(byte[] body, boolean chunked, Map<String, String> headers) {
        @Override
        public String toString() {
            return body.length + " bytes, " + (chunked ? "chunked, " : "") + headers;
        }
    }

    private static Map<String, String> headers(String... overrides) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Idempotency-Key", UUID.randomUUID().toString());
        headers.put("X-Customer-Id", "buyer-bad");
        for (int i = 0; i < overrides.length; i += 2) {
            headers.put(overrides[i], overrides[i + 1]);
        }
        return headers;
    }

    private static Arguments bad(String name, String body, int status, String field) {
        return Arguments.of(name, new Request(body.getBytes(StandardCharsets.UTF_8), false, headers()), status, field);
    }

    private static Arguments withHeaders(String name, Map<String, String> headers, int status, String field) {
        return Arguments.of(name, new Request(VALID.getBytes(StandardCharsets.UTF_8), false, headers), status, field);
    }

    private HttpResponse<String> send(Request request) throws IOException, InterruptedException {
        BodyPublisher body = request.chunked()
                ? BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(request.body()))
                : BodyPublishers.ofByteArray(request.body());
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri("/api/v1/orders")).POST(body);
        request.headers().forEach((name, value) -> {
            if (value != null) {
                builder.header(name, value);
            }
        });
        return http.send(builder.build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body, UnaryOperator<HttpRequest.Builder> headers)
            throws IOException, InterruptedException {
        HttpRequest request = headers.apply(HttpRequest.newBuilder(uri("/api/v1/orders"))
                        .POST(BodyPublishers.ofString(body)))
                .build();
        return http.send(request, BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static JsonNode problem(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.hasNonNull("type")).isTrue();
        assertThat(problem.hasNonNull("title")).isTrue();
        assertThat(problem.hasNonNull("detail")).isTrue();
        return problem;
    }

    // --- the topic

    private static Map<TopicPartition, Long> endOffsets() throws Exception {
        int partitions = admin.describeTopics(List.of(TOPICS.requested())).allTopicNames().get()
                .get(TOPICS.requested()).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(TOPICS.requested(), p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    private static List<ConsumerRecord<String, byte[]>> recordsFrom(TopicPartition partition, long offset, int count) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.size() >= count;
            });
            return seen.subList(0, count);
        }
    }

    private static ConsumerRecord<String, byte[]> recordAt(TopicPartition partition, long offset) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return !seen.isEmpty();
            });
            return seen.getFirst();
        }
    }
}
