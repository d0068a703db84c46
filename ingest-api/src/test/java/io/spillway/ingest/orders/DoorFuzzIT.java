package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.EventJson;
import io.spillway.contract.HoldOpened;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.spillway.ingest.CatalogFixture;
import io.spillway.ingest.IngestApplication;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The door fuzzed: random bodies (valid orders, valid orders with one field mutated, random bytes,
 * unicode text, nested junk, huge numbers), random headers (each of {@code Idempotency-Key},
 * {@code X-Customer-Id} and {@code Content-Type} absent, valid, invalid or given twice) and sizes up
 * to past the 4 KiB limit. Every answer is one of the contract's codes, every error is problem+json
 * with its status, never a 500, and {@code orders.requested} grows by one record for a 202 and by
 * none otherwise (a 503 may have been written, as the contract says; with a healthy broker none is).
 *
 * <p>jqwik runs on the JUnit platform beside Jupiter, without Spring's test context: the service is
 * started here with the same fixture as OrderIngestIT (the shared broker, the test's own topics,
 * {@link CatalogFixture}'s sales).
 *
 * <p>The payment and cancel doors are fuzzed the same way (paths with held, unknown and malformed
 * order ids; right, wrong and absent credentials and tokens; bodies valid, mutated, random and
 * oversized): their answers are theirs, and {@code orders.commands} grows only for a 202.
 */
class DoorFuzzIT {

    private static final Set<Integer> CONTRACT_CODES = Set.of(202, 400, 409, 413, 415, 422, 429, 503);
    /** The payment and cancel doors' answers (docs/design/holds.md §4). */
    private static final Set<Integer> COMMAND_CODES = Set.of(202, 400, 401, 404, 413, 415, 429, 503);
    private static final OrderId HELD = new OrderId(UUID.randomUUID());
    private static final String HELD_TOKEN = new OrderTokens("door-fuzz-it-secret-of-at-least-32-bytes").tokenFor(HELD);
    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final String PAYMENT_TOKEN = "door-fuzz-it-payment-token-of-at-least-32-bytes";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static ConfigurableApplicationContext service;
    private static Admin admin;
    private static int port;

    @BeforeContainer
    static void start() throws Exception {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        CatalogFixture.createTopics(bootstrap, TOPICS);
        CatalogFixture.publish(bootstrap, TOPICS,
                CatalogFixture.sale("fuzz", CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1", "A-2", "A-3"),
                CatalogFixture.sale("fuzz-later", Instant.now().plus(Duration.ofDays(1)), 4, "GA", "VIP", "A-1"));
        Map<String, Object> properties = new HashMap<>();
        TestProperties.kafka((name, value) -> properties.put(name, value.get()), TOPICS);
        properties.put("server.port", 0);
        properties.put("spillway.order-token.secret", "door-fuzz-it-secret-of-at-least-32-bytes");
        properties.put("spillway.ingest.payment.tokens", PAYMENT_TOKEN);
        properties.put("spillway.topics.commands", TOPICS.commands());
        properties.put("spillway.topics.holds", TOPICS.holds());
        // The payment fuzzing sends many requests for one held order; its limit has a test of its own.
        properties.put("spillway.ingest.rate-limit.per-order.requests", 1_000_000);
        properties.put("spillway.ingest.rate-limit.per-order.per", "1s");
        // As arguments: default properties would lose to application.yml's own values.
        service = new SpringApplicationBuilder(IngestApplication.class).run(properties.entrySet().stream()
                .map(property -> "--" + property.getKey() + "=" + property.getValue()).toArray(String[]::new));
        port = ((ServletWebServerApplicationContext) service).getWebServer().getPort();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        CatalogFixture.awaitReady(port);
        openHold();
    }

    /** A hold on orders.holds as the processor publishes it, and the door's first 202 for it. */
    private static void openHold() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPICS.holds(), HELD.toString(), EventJson.writeHold(new HoldOpened(
                    1, HELD, SaleId.of("fuzz"), Sku.of("GA"), Instant.now().plus(Duration.ofHours(1)))))).get();
        }
        Command probe = new Command("/api/v1/orders/" + HELD + "/payment", List.of(
                Map.entry("Authorization", "Bearer " + PAYMENT_TOKEN), Map.entry("Idempotency-Key", "probe"),
                Map.entry("Content-Type", "application/json")), "{\"paymentRef\":\"probe\"}".getBytes(StandardCharsets.UTF_8));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> HTTP.send(probe.build(port), BodyHandlers.discarding()).statusCode() == 202);
    }

    @Property(tries = 400)
    void everyPaymentOrCancelGetsAContractCodeAndOnlyA202Publishes(@ForAll("commands") Command request)
            throws Exception {
        long before = commandsPublished();

        HttpResponse<String> response = HTTP.send(request.build(port), BodyHandlers.ofString());

        int status = response.statusCode();
        Statistics.label("status").collect(status);
        Statistics.label("status").coverage(coverage -> {
            for (int expected : List.of(202, 400, 401, 404, 413, 415)) {
                coverage.check(expected).count(count -> count > 0);
            }
        });
        assertThat(status).as("status for %s", request).isIn(COMMAND_CODES);
        long grown = commandsPublished() - before;
        if (status == 202) {
            assertThat(JSON.readTree(response.body()).get("orderId").asText()).isNotBlank();
            assertThat(grown).as("records for a 202 to %s", request).isEqualTo(1);
            return;
        }
        assertThat(response.headers().firstValue("Content-Type")).as("type for %s", request)
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asText()).startsWith("urn:spillway:problem:");
        assertThat(grown).as("records for a %d to %s", status, request).isLessThanOrEqualTo(status == 503 ? 1 : 0);
    }

    private static long commandsPublished() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < TOPICS.partitions(); partition++) {
            latest.put(new TopicPartition(TOPICS.commands(), partition), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }

    /** A payment or cancel request: its path and query, its headers in order, its body. */
    record Command(String pathAndQuery, List<Map.Entry<String, String>> headers, byte[] body) {

        HttpRequest build(int port) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                    .POST(BodyPublishers.ofByteArray(body))
                    .timeout(Duration.ofSeconds(30));
            headers.forEach(header -> builder.header(header.getKey(), header.getValue()));
            return builder.build();
        }

        @Override
        public String toString() {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
            return "POST " + pathAndQuery + " " + headers + " " + body.length + " bytes: " + text;
        }
    }

    @Provide
    Arbitrary<Command> commands() {
        Arbitrary<String> order = Arbitraries.of(HELD.toString(), HELD.toString(), UUID.randomUUID().toString(),
                "not-a-uuid", HELD.toString().toUpperCase(java.util.Locale.ROOT));
        Arbitrary<String> bearer = Arbitraries.of(PAYMENT_TOKEN, PAYMENT_TOKEN, "wrong-token-of-at-least-32-bytes-long",
                HELD_TOKEN, "");
        Arbitrary<List<String>> authorization = headerValue(bearer.map(token -> "Bearer " + token));
        Arbitrary<String> query = Arbitraries.of("", "?token=" + HELD_TOKEN, "?token=" + HELD_TOKEN, "?token=nope",
                "?token=", "?x=1&token=" + HELD_TOKEN);
        Arbitrary<byte[]> body = Arbitraries.frequencyOf(
                DoorFuzzIT.<byte[]>weighted(4, Arbitraries.strings().withCharRange('!', '~').ofMinLength(0).ofMaxLength(140)
                        .map(ref -> json(Map.of("paymentRef", ref)))),
                DoorFuzzIT.<byte[]>weighted(2, Arbitraries.of("", "{}", " { } ", "null", "[]", "{\"paymentRef\":1}")
                        .map(text -> text.getBytes(StandardCharsets.UTF_8))),
                DoorFuzzIT.<byte[]>weighted(2, Combinators.combine(Arbitraries.of("paymentRef", "extra", "reason"), junk())
                        .as((field, value) -> {
                            Map<String, Object> fields = new LinkedHashMap<>();
                            fields.put(field, value);
                            return json(fields);
                        })),
                DoorFuzzIT.<byte[]>weighted(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(2_000)),
                DoorFuzzIT.<byte[]>weighted(1, Arbitraries.integers().between(900, 3_000)
                        .map(padding -> json(Map.of("paymentRef", "r".repeat(padding))))));
        return Combinators.combine(Arbitraries.of("payment", "cancel"), order, query, authorization, headerValue(keys()),
                        headerValue(contentTypes()), body)
                .as((command, id, token, auth, key, type, content) -> {
                    List<Map.Entry<String, String>> headers = new ArrayList<>();
                    auth.forEach(value -> headers.add(Map.entry("Authorization", value)));
                    key.forEach(value -> headers.add(Map.entry("Idempotency-Key", value)));
                    type.forEach(value -> headers.add(Map.entry("Content-Type", value)));
                    return new Command("/api/v1/orders/" + id + "/" + command + (command.equals("cancel") ? token : ""),
                            headers, content);
                });
    }

    @AfterContainer
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Property(tries = 1_000)
    void everyRequestGetsAContractCodeAndOnlyA202Publishes(@ForAll("requests") Fuzzed request) throws Exception {
        long before = published();

        HttpResponse<String> response = HTTP.send(request.build(port), BodyHandlers.ofString());

        int status = response.statusCode();
        Statistics.label("status").collect(status);
        // The generators must reach the door's every kind of answer, not only its first refusal.
        Statistics.label("status").coverage(coverage -> {
            for (int expected : List.of(202, 400, 409, 413, 415, 422)) {
                coverage.check(expected).count(count -> count > 0);
            }
        });
        assertThat(status).as("status for %s", request).isIn(CONTRACT_CODES);
        long grown = published() - before;
        if (status == 202) {
            assertThat(JSON.readTree(response.body()).get("orderId").asText()).isNotBlank();
            assertThat(grown).as("records for a 202 to %s", request).isEqualTo(1);
            return;
        }
        assertThat(response.headers().firstValue("Content-Type")).as("type for %s", request)
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asText()).startsWith("urn:spillway:problem:");
        assertThat(grown).as("records for a %d to %s", status, request).isLessThanOrEqualTo(status == 503 ? 1 : 0);
    }

    private static long published() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < TOPICS.partitions(); partition++) {
            latest.put(new TopicPartition(TOPICS.requested(), partition), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }

    // --- what is sent

    /** One request: its headers in order (a name may repeat) and its body. */
    record Fuzzed(List<Map.Entry<String, String>> headers, byte[] body) {

        HttpRequest build(int port) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                    .POST(BodyPublishers.ofByteArray(body))
                    .timeout(Duration.ofSeconds(30));
            headers.forEach(header -> builder.header(header.getKey(), header.getValue()));
            return builder.build();
        }

        @Override
        public String toString() {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
            return headers + " " + body.length + " bytes: " + text;
        }
    }

    @Provide
    Arbitrary<Fuzzed> requests() {
        return Combinators.combine(headerValue(keys()), headerValue(customers()), headerValue(contentTypes()), bodies())
                .as((key, customer, type, body) -> {
                    List<Map.Entry<String, String>> headers = new ArrayList<>();
                    key.forEach(value -> headers.add(Map.entry("Idempotency-Key", value)));
                    customer.forEach(value -> headers.add(Map.entry("X-Customer-Id", value)));
                    type.forEach(value -> headers.add(Map.entry("Content-Type", value)));
                    return new Fuzzed(headers, body);
                });
    }

    /** A header absent, once, or twice (with possibly different values). */
    private static Arbitrary<List<String>> headerValue(Arbitrary<String> values) {
        return Arbitraries.frequencyOf(
                DoorFuzzIT.<List<String>>weighted(1, Arbitraries.just(List.of())),
                DoorFuzzIT.<List<String>>weighted(8, values.map(value -> List.of(value))),
                DoorFuzzIT.<List<String>>weighted(1, values.list().ofSize(2)));
    }

    private static <T> Tuple2<Integer, Arbitrary<? extends T>> weighted(int weight, Arbitrary<? extends T> arbitrary) {
        return Tuple.of(weight, arbitrary);
    }

    /** What an HTTP client may put in a header value: visible ASCII and spaces inside. */
    private static Arbitrary<String> headerText(int maxLength) {
        return Arbitraries.strings().withCharRange('!', '~').withChars(' ').ofMinLength(1).ofMaxLength(maxLength)
                .map(String::strip).filter(value -> !value.isEmpty());
    }

    private static Arbitrary<String> keys() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().withChars('-').ofMinLength(1).ofMaxLength(64),
                Arbitraries.of("k-1", "k-2", "same-key"),
                headerText(100));
    }

    private static Arbitrary<String> customers() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().withChars('.', '_', ':', '-').ofMinLength(1).ofMaxLength(64),
                Arbitraries.of("buyer-1", "buyer-2"),
                headerText(80));
    }

    private static Arbitrary<String> contentTypes() {
        // Mostly JSON, so that most requests get past the content type to the rest of the door.
        return Arbitraries.frequencyOf(
                DoorFuzzIT.<String>weighted(8, Arbitraries.of(
                        "application/json", "application/json; charset=UTF-8", "application/json;charset=utf-8")),
                DoorFuzzIT.<String>weighted(2, Arbitraries.of("application/json; charset=ISO-8859-1", "text/plain",
                        "application/xml", "application/*", "application/problem+json", "application/json; boundary=x",
                        "multipart/form-data", "application/x-www-form-urlencoded")),
                DoorFuzzIT.<String>weighted(1, headerText(40)));
    }

    private static Arbitrary<byte[]> bodies() {
        return Arbitraries.frequencyOf(
                DoorFuzzIT.<byte[]>weighted(4, validOrders().map(DoorFuzzIT::json)),
                DoorFuzzIT.<byte[]>weighted(5, mutatedOrders().map(DoorFuzzIT::json)),
                DoorFuzzIT.<byte[]>weighted(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(6_000)),
                DoorFuzzIT.<byte[]>weighted(1, Arbitraries.strings().all().ofMaxLength(3_000)
                        .map(text -> text.getBytes(StandardCharsets.UTF_8))),
                DoorFuzzIT.<byte[]>weighted(1, Arbitraries.integers().between(1, 5_000)
                        .map(depth -> ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.US_ASCII))),
                DoorFuzzIT.<byte[]>weighted(1, Arbitraries.integers().between(0, 6_000)
                        .map(padding -> json(order("fuzz", "GA", "note", "x".repeat(padding))))));
    }

    private static Arbitrary<Map<String, Object>> validOrders() {
        Arbitrary<Map<String, Object>> stock = Combinators.combine(
                        Arbitraries.of("fuzz", "fuzz-later", "unknown-sale"), Arbitraries.of("GA", "VIP", "NOPE"),
                        Arbitraries.integers().between(1, 6))
                .as((sale, sku, quantity) -> order(sale, sku, "quantity", quantity));
        Arbitrary<Map<String, Object>> seated = Combinators.combine(
                        Arbitraries.of("fuzz", "fuzz-later"), Arbitraries.of("VIP", "GA"),
                        Arbitraries.of("A-1", "A-2", "A-3", "Z-9").list().ofMinSize(1).ofMaxSize(5))
                .as((sale, sku, seats) -> order(sale, sku, "seatIds", seats));
        return Arbitraries.oneOf(stock, seated);
    }

    private static Map<String, Object> order(String sale, String sku, String field, Object value) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("saleId", sale);
        order.put("sku", sku);
        order.put(field, value);
        return order;
    }

    /** A valid order with one field removed, replaced by junk, or one field added. */
    private static Arbitrary<Map<String, Object>> mutatedOrders() {
        return Combinators.combine(validOrders(), Arbitraries.of("saleId", "sku", "quantity", "seatIds", "extra"),
                        Arbitraries.integers().between(0, 1), junk())
                .as((order, field, remove, value) -> {
                    Map<String, Object> mutated = new LinkedHashMap<>(order);
                    if (remove == 0) {
                        mutated.remove(field);
                    } else {
                        mutated.put(field, value);
                    }
                    return mutated;
                });
    }

    /** Values of every JSON kind, and the awkward ones. */
    private static Arbitrary<Object> junk() {
        return Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.of(true, false),
                Arbitraries.integers().map(Integer.class::cast),
                Arbitraries.longs().map(Long.class::cast),
                Arbitraries.of(0, -1, Integer.MAX_VALUE, Long.MIN_VALUE, 1e13, -0.0, 1.5, Double.MAX_VALUE),
                Arbitraries.bigIntegers().between(
                        java.math.BigInteger.TEN.pow(30).negate(), java.math.BigInteger.TEN.pow(30)).map(Object.class::cast),
                Arbitraries.strings().all().ofMaxLength(100).map(Object.class::cast),
                Arbitraries.strings().alpha().ofMaxLength(5).list().ofMaxSize(5).map(Object.class::cast),
                Arbitraries.just(Map.of("nested", Map.of("deeper", List.of(1, "two", Map.of())))));
    }

    private static byte[] json(Map<String, Object> value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
