package io.spillway.inventory.sales;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.SharedInfrastructure.TestDatabase;
import io.spillway.testing.TestProperties;
import jakarta.persistence.EntityManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sales API over real HTTP against a real PostgreSQL of its own. No broker runs for this test:
 * with the catalogue relay and topic creation off, the service must neither need nor look for one
 * (CatalogRelayIT covers the relay).
 */
@AutoConfigureObservability(tracing = false)
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.inventory.admin-token=" + SalesIT.TOKEN,
            "spillway.inventory.catalog.enabled=false",
            "spillway.topics.create=false",
            "spring.jpa.properties.hibernate.generate_statistics=true"
        })
class SalesIT {

    static final String TOKEN = "sales-it-admin-token-0123456789";
    private static final String BEARER = "Bearer " + TOKEN;
    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase database = SharedInfrastructure.newDatabase();
        TestProperties.database(registry, database);
    }

    /** A clock that tests can stop, so that "one load per burst" does not depend on how fast this machine is. */
    static final class PausableTicker implements Ticker {

        private volatile long pausedAt = -1;

        @Override
        public long read() {
            long paused = pausedAt;
            return paused >= 0 ? paused : System.nanoTime();
        }

        void pause() {
            pausedAt = System.nanoTime();
        }

        void resume() {
            pausedAt = -1;
        }
    }

    @TestConfiguration
    static class Clock {

        @Bean
        PausableTicker ticker() {
            return new PausableTicker();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    SaleViews views;

    @Autowired
    PausableTicker clock;

    @Autowired
    EntityManagerFactory entityManagerFactory;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void createsAStockAndASeatedItemAndServesTheContractShape() throws Exception {
        String saleId = newSaleId();

        HttpResponse<String> created = post(saleBody(saleId), BEARER);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/sales/" + saleId);
        assertThat(created.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        String state = Instant.now().isBefore(Instant.parse("2026-12-24T09:00:00Z")) ? "SCHEDULED" : "OPEN";
        JsonNode expected = JSON.readTree("""
                {"saleId":"%s","name":"Winter concert","state":"%s","opensAt":"2026-12-24T09:00:00Z",
                 "prequeueOpensAt":null,"openingOrder":"FIFO","holdSeconds":0,"perCustomerLimit":4,
                 "items":[{"sku":"GA","kind":"STOCK","total":10000,"available":10000,"held":0,"soldOut":false},
                          {"sku":"VIP","kind":"SEATED","total":3,"available":3,"held":0,"soldOut":false}]}
                """.formatted(saleId, state));
        assertThat(withoutDraw(created.body())).isEqualTo(expected);
        // The commitment to the seed, never the seed before the draw.
        String commitment = JSON.readTree(created.body()).path("draw").path("commitment").asText();
        assertThat(commitment).matches("[0-9a-f]{64}");
        assertThat(JSON.readTree(created.body()).path("draw").get("seed").isNull()).isTrue();

        HttpResponse<String> read = get("/api/v1/sales/" + saleId);

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Cache-Control")).hasValue("public, max-age=1");
        assertThat(withoutDraw(read.body())).isEqualTo(expected);
        assertThat(JSON.readTree(read.body()).path("draw").path("commitment").asText()).isEqualTo(commitment);
        assertThat(jdbc.queryForList("SELECT sku, kind, total, available, held, sold_out, version FROM items WHERE sale_id = ? ORDER BY sku", saleId))
                .containsExactly(
                        Map.of("sku", "GA", "kind", "STOCK", "total", 10000, "available", 10000, "held", 0, "sold_out", false, "version", 0L),
                        Map.of("sku", "VIP", "kind", "SEATED", "total", 3, "available", 3, "held", 0, "sold_out", false, "version", 0L));
        assertThat(jdbc.queryForObject("SELECT hold_seconds FROM sales WHERE sale_id = ?", Integer.class, saleId)).isZero();
        assertThat(jdbc.queryForList("SELECT seat_id, ordinal, order_id FROM seats WHERE sale_id = ? AND sku = 'VIP' ORDER BY ordinal", saleId))
                .extracting(row -> row.get("seat_id") + "@" + row.get("ordinal") + ":" + row.get("order_id"))
                .containsExactly("B-2@0:null", "A-1@1:null", "A-3@2:null");
    }

    private static JsonNode withoutDraw(String body) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(body);
        node.remove("draw");
        return node;
    }

    @Test
    void aSeatedItemsSeatMapIsPublicInOrderAndShowsWhichSeatsAreTaken() throws Exception {
        String saleId = newSaleId();
        assertThat(post(saleBody(saleId), BEARER).statusCode()).isEqualTo(201);
        // As the processor does when it confirms an order for the seat.
        jdbc.update("UPDATE seats SET order_id = gen_random_uuid() WHERE sale_id = ? AND sku = 'VIP' AND seat_id = 'A-1'", saleId);

        HttpResponse<String> map = get("/api/v1/sales/" + saleId + "/items/VIP/seats");

        assertThat(map.statusCode()).as(map.body()).isEqualTo(200);
        assertThat(map.headers().firstValue("Cache-Control")).hasValueSatisfying(value -> assertThat(value).contains("public"));
        assertThat(JSON.readTree(map.body())).isEqualTo(JSON.readTree("""
                {"saleId":"%s","sku":"VIP","seats":[{"id":"B-2","free":true},{"id":"A-1","free":false},{"id":"A-3","free":true}]}
                """.formatted(saleId)));
        for (String path : List.of("/api/v1/sales/" + saleId + "/items/GA/seats", "/api/v1/sales/" + saleId + "/items/NOPE/seats",
                "/api/v1/sales/" + newSaleId() + "/items/VIP/seats")) {
            HttpResponse<String> missing = get(path);
            assertThat(missing.statusCode()).as(path).isEqualTo(404);
            assertProblem(missing, 404);
        }
    }

    @Test
    void anUnknownOrInvalidSaleIsNotFound() throws Exception {
        for (String path : List.of("/api/v1/sales/" + newSaleId(), "/api/v1/sales/not%20an%20id", "/api/v1/sales/" + "x".repeat(65))) {
            HttpResponse<String> response = get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertProblem(response, 404);
        }
    }

    @Test
    void aSaleIsCreatedOnceEvenWhenPostedTwiceAtOnce() throws Exception {
        String saleId = newSaleId();
        assertThat(post(saleBody(saleId), BEARER).statusCode()).isEqualTo(201);

        HttpResponse<String> again = post(saleBody(saleId), BEARER);

        assertThat(again.statusCode()).isEqualTo(409);
        assertProblem(again, 409);

        // Two creations racing: the second insert waits for the first transaction, then meets the key.
        String raced = newSaleId();
        String body = body(raced, List.of(Map.of("sku", "HALL", "seats", seats(2_000))));
        List<CompletableFuture<HttpResponse<String>>> both = List.of(postAsync(body, BEARER), postAsync(body, BEARER));
        List<Integer> statuses = both.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).sorted().toList();

        assertThat(statuses).containsExactly(201, 409);
        assertThat(count("sales", raced)).isEqualTo(1);
        assertThat(count("seats", raced)).isEqualTo(2_000);
    }

    @Test
    void onlyTheAdminTokenMayCreate() throws Exception {
        String saleId = newSaleId();
        for (String authorization : new String[] {null, "Bearer wrong-token-wrong-token", "Basic " + TOKEN, TOKEN, BEARER + "x"}) {
            HttpResponse<String> response = post(saleBody(saleId), authorization);

            assertThat(response.statusCode()).as(authorization).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertProblem(response, 401);
        }
        // The token is checked before the body is read: an anonymous caller learns nothing about bodies.
        assertThat(post("{not json", null).statusCode()).isEqualTo(401);
        assertThat(count("sales", saleId)).isZero();
    }

    static Stream<Arguments> invalidBodies() {
        String items = "[{\"sku\":\"GA\",\"stock\":10}]";
        return Stream.of(
                Arguments.of("malformed JSON", "{\"saleId\": ", null),
                Arguments.of("not an object", "[]", null),
                Arguments.of("nothing after the value", sale("s-%s", items) + " {}", null),
                Arguments.of("empty body", "", null),
                Arguments.of("unknown field", sale("s-%s", items).replace("{\"saleId\"", "{\"colour\":\"red\",\"saleId\""), "colour"),
                Arguments.of("unknown item field", sale("s-%s", "[{\"sku\":\"GA\",\"stock\":10,\"price\":5}]"), "items[0].price"),
                Arguments.of("stock as text", sale("s-%s", "[{\"sku\":\"GA\",\"stock\":\"10\"}]"), "items[0].stock"),
                Arguments.of("fractional stock", sale("s-%s", "[{\"sku\":\"GA\",\"stock\":1.5}]"), "items[0].stock"),
                Arguments.of("stock beyond int", sale("s-%s", "[{\"sku\":\"GA\",\"stock\":10000000000}]"), "items[0].stock"),
                Arguments.of("stock above the maximum", sale("s-%s", "[{\"sku\":\"GA\",\"stock\":10000001}]"), "items[0].stock"),
                Arguments.of("seats not a list", sale("s-%s", "[{\"sku\":\"VIP\",\"seats\":\"A-1\"}]"), "items[0].seats"),
                Arguments.of("stock and seats", sale("s-%s", "[{\"sku\":\"VIP\",\"stock\":1,\"seats\":[\"A-1\"]}]"), "items[0]"),
                Arguments.of("neither stock nor seats", sale("s-%s", "[{\"sku\":\"VIP\"}]"), "items[0]"),
                Arguments.of("repeated seat", sale("s-%s", "[{\"sku\":\"VIP\",\"seats\":[\"A-1\",\"A-1\"]}]"), "items[0].seats[1]"),
                Arguments.of("repeated sku", sale("s-%s", "[{\"sku\":\"GA\",\"stock\":1},{\"sku\":\"GA\",\"stock\":2}]"), "items[1].sku"),
                Arguments.of("no items", sale("s-%s", "[]"), "items"),
                Arguments.of("bad saleId", sale("s %s", items), "saleId"),
                Arguments.of("bad opensAt", sale("s-%s", items).replace("2026-12-24T09:00:00Z", "tomorrow"), "opensAt"),
                Arguments.of("opensAt beyond timestamptz", sale("s-%s", items).replace("2026-12-24T09:00:00Z", "+300000-01-01T00:00:00Z"), "opensAt"),
                Arguments.of("opensAt before year 1", sale("s-%s", items).replace("2026-12-24T09:00:00Z", "-4714-01-01T00:00:00Z"), "opensAt"),
                Arguments.of("name with half a surrogate pair", sale("s-%s", items).replace("Winter concert", "Winter \\ud800"), "name"),
                Arguments.of("limit as text", sale("s-%s", items).replace("\"perCustomerLimit\":4", "\"perCustomerLimit\":\"4\""), "perCustomerLimit"),
                Arguments.of("limit 0", sale("s-%s", items).replace("\"perCustomerLimit\":4", "\"perCustomerLimit\":0"), "perCustomerLimit"),
                Arguments.of("hold -1", withHold(sale("s-%s", items), "-1"), "holdSeconds"),
                Arguments.of("hold of a day and a second", withHold(sale("s-%s", items), "86401"), "holdSeconds"),
                Arguments.of("fractional hold", withHold(sale("s-%s", items), "1.5"), "holdSeconds"),
                Arguments.of("hold as text", withHold(sale("s-%s", items), "\"x\""), "holdSeconds"),
                Arguments.of("hold of digits as text", withHold(sale("s-%s", items), "\"600\""), "holdSeconds"),
                Arguments.of("hold beyond int", withHold(sale("s-%s", items), "10000000000"), "holdSeconds"),
                Arguments.of("prequeueOpensAt at opensAt", withPrequeue(sale("s-%s", items), "\"2026-12-24T09:00:00Z\"", null), "prequeueOpensAt"),
                Arguments.of("prequeueOpensAt after opensAt", withPrequeue(sale("s-%s", items), "\"2026-12-24T09:00:01Z\"", null), "prequeueOpensAt"),
                Arguments.of("prequeueOpensAt year 10000", withPrequeue(sale("s-%s", items), "\"+10000-01-01T00:00:00Z\"", null), "prequeueOpensAt"),
                Arguments.of("prequeueOpensAt before year 1", withPrequeue(sale("s-%s", items), "\"0000-12-31T23:59:59Z\"", null), "prequeueOpensAt"),
                Arguments.of("prequeueOpensAt not a time", withPrequeue(sale("s-%s", items), "\"soon\"", null), "prequeueOpensAt"),
                Arguments.of("prequeueOpensAt a number", withPrequeue(sale("s-%s", items), "1700000000", null), "prequeueOpensAt"),
                Arguments.of("unknown openingOrder", withPrequeue(sale("s-%s", items), null, "\"RANDOM\""), "openingOrder"),
                Arguments.of("openingOrder in lower case", withPrequeue(sale("s-%s", items), null, "\"shuffled\""), "openingOrder"),
                Arguments.of("openingOrder a number", withPrequeue(sale("s-%s", items), null, "1"), "openingOrder"),
                Arguments.of("name too long", sale("s-%s", items).replace("Winter concert", "n".repeat(201)), "name"),
                Arguments.of("valid items, bad seats later", sale("s-%s",
                        "[{\"sku\":\"GA\",\"stock\":10},{\"sku\":\"VIP\",\"seats\":[\"A-1\",\"A 2\"]}]"), "items[1].seats[1]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void anInvalidBodyIsRefusedAndChangesNothing(String name, String template, String field) throws Exception {
        String body = template.replace("%s", UUID.randomUUID().toString().substring(0, 8));
        long[] before = totals();

        HttpResponse<String> response = post(body, BEARER);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode problem = assertProblem(response, 400);
        if (field != null) {
            assertThat(problem.path("errors").findValuesAsText("field")).as(response.body()).contains(field);
            assertThat(problem.path("errors").findValuesAsText("message")).allSatisfy(message -> assertThat(message).isNotBlank());
        }
        assertThat(totals()).isEqualTo(before);
    }

    @Test
    void theLastTimeAFourDigitYearCanWriteIsStoredAndServedAsGiven() throws Exception {
        String saleId = newSaleId();

        HttpResponse<String> created = post(sale(saleId, "[{\"sku\":\"GA\",\"stock\":1}]")
                .replace("2026-12-24T09:00:00Z", "9999-12-31T23:59:59.999999Z"), BEARER);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(get("/api/v1/sales/" + saleId).body()).path("opensAt").asText())
                .isEqualTo("9999-12-31T23:59:59.999999Z");
    }

    @Test
    void anItemOfTenThousandSeatsIsCreatedInOrder() throws Exception {
        String saleId = newSaleId();

        HttpResponse<String> created = post(body(saleId, List.of(Map.of("sku", "ARENA", "seats", seats(10_000)))), BEARER);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(get("/api/v1/sales/" + saleId).body()).at("/items/0/available").asInt()).isEqualTo(10_000);
        assertThat(count("seats", saleId)).isEqualTo(10_000);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM seats WHERE sale_id = ? AND seat_id = 'S-' || ordinal", Long.class, saleId))
                .isEqualTo(10_000);
    }

    @Test
    void theProcessorsChangesShowWithinASecond() throws Exception {
        String saleId = newSaleId();
        post(saleBody(saleId), BEARER);
        assertThat(item(saleId, 0).path("available").asInt()).isEqualTo(10_000);

        // What order-processor does when it confirms 7 units and later closes the item.
        jdbc.update("UPDATE items SET available = available - 7, version = version + 1 WHERE sale_id = ? AND sku = 'GA'", saleId);
        jdbc.update("UPDATE items SET available = 0, version = version + 1 WHERE sale_id = ? AND sku = 'VIP'", saleId);

        await().atMost(Duration.ofMillis(1_500)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            assertThat(item(saleId, 0).path("available").asInt()).isEqualTo(9_993);
            assertThat(item(saleId, 0).path("soldOut").asBoolean()).isFalse();
            assertThat(item(saleId, 1).path("available").asInt()).isZero();
            assertThat(item(saleId, 1).path("soldOut").asBoolean()).isTrue();
        });

        jdbc.update("UPDATE items SET sold_out = true, version = version + 1 WHERE sale_id = ? AND sku = 'GA'", saleId);

        await().atMost(Duration.ofMillis(1_500)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(item(saleId, 0).path("soldOut").asBoolean()).isTrue());
        assertThat(item(saleId, 0).path("available").asInt()).isEqualTo(9_993);
    }

    @Test
    void aSaleWithAPrequeueCommitsToItsSeedAndRevealsItAndItsDrawOnlyAfterTheDraw() throws Exception {
        String saleId = newSaleId();

        HttpResponse<String> created = post(withPrequeue(sale(saleId, "[{\"sku\":\"GA\",\"stock\":100}]"),
                "\"2026-12-24T08:30:00Z\"", "\"SHUFFLED\""), BEARER);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode view = JSON.readTree(created.body());
        assertThat(view.path("prequeueOpensAt").asText()).isEqualTo("2026-12-24T08:30:00Z");
        assertThat(view.path("openingOrder").asText()).isEqualTo("SHUFFLED");
        byte[] seed = jdbc.queryForObject("SELECT draw_seed FROM sales WHERE sale_id = ?", byte[].class, saleId);
        assertThat(seed).hasSize(32);
        String commitment = io.spillway.contract.Draw.commitment(seed);
        assertThat(view.path("draw").path("commitment").asText()).isEqualTo(commitment);
        assertThat(created.body()).doesNotContain(io.spillway.contract.Draw.hex(seed));
        assertThat(get("/api/v1/sales/" + saleId).body()).doesNotContain(io.spillway.contract.Draw.hex(seed));
        HttpResponse<String> early = get("/api/v1/sales/" + saleId + "/draw");
        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(early.body()).doesNotContain(io.spillway.contract.Draw.hex(seed));
        assertThat(get("/api/v1/sales/nobody-" + saleId + "/draw").statusCode()).isEqualTo(404);

        // What order-processor does once every pre-queue order is decided: one drawn order, confirmed.
        java.util.UUID orderId = java.util.UUID.randomUUID();
        byte[] key = io.spillway.contract.Draw.keyBytes(seed, new io.spillway.contract.OrderId(orderId));
        jdbc.update("INSERT INTO draws (sale_id, sku, place, draw_key, order_id) VALUES (?, 'GA', 0, ?, ?)", saleId, key, orderId);
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, sale_id, sku, quantity, status, requested_at, decided_at)
                VALUES (?, 'c-1', ?, 'GA', 2, 'CONFIRMED', now(), now())""", orderId, saleId);
        jdbc.update("UPDATE sales SET draw_revealed_at = now() WHERE sale_id = ?", saleId);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(JSON.readTree(get("/api/v1/sales/" + saleId).body()).path("draw").path("seed").asText())
                        .isEqualTo(io.spillway.contract.Draw.hex(seed)));
        HttpResponse<String> draw = get("/api/v1/sales/" + saleId + "/draw");
        assertThat(draw.statusCode()).as(draw.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(draw.body());
        assertThat(answer.path("commitment").asText()).isEqualTo(commitment);
        assertThat(answer.path("items").get(0).path("sku").asText()).isEqualTo("GA");
        JsonNode first = answer.path("items").get(0).path("keys").get(0);
        assertThat(first.path("key").asText()).isEqualTo(io.spillway.contract.Draw.hex(key));
        assertThat(first.path("outcome").asText()).isEqualTo("CONFIRMED");
        assertThat(first.path("quantity").asInt()).isEqualTo(2);
        assertThat(draw.body()).doesNotContain(orderId.toString()).doesNotContain("c-1");
    }

    @Test
    void aSaleWithAHoldShowsItsHoldAndTheUnitsHeldWithinItsCacheWindow() throws Exception {
        String saleId = newSaleId();

        HttpResponse<String> created = post(withHold(sale(saleId, "[{\"sku\":\"GA\",\"stock\":100}]"), "600"), BEARER);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("holdSeconds").asInt()).isEqualTo(600);
        assertThat(JSON.readTree(get("/api/v1/sales/" + saleId).body()).path("holdSeconds").asInt()).isEqualTo(600);
        assertThat(jdbc.queryForObject("SELECT hold_seconds FROM sales WHERE sale_id = ?", Integer.class, saleId)).isEqualTo(600);
        assertThat(item(saleId, 0).path("held").asInt()).isZero();

        // What order-processor does when it confirms 3 units held for payment: out of available, into held.
        jdbc.update("UPDATE items SET available = available - 3, held = held + 3, version = version + 1 WHERE sale_id = ? AND sku = 'GA'",
                saleId);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            JsonNode item = item(saleId, 0);
            assertThat(item.path("available").asInt()).isEqualTo(97);
            assertThat(item.path("held").asInt()).isEqualTo(3);
            assertThat(item.path("total").asInt()).isEqualTo(100);
            assertThat(item.path("soldOut").asBoolean()).isFalse();
        });

        // One hold paid (stays taken), one expired (back to available).
        jdbc.update("UPDATE items SET available = available + 1, held = held - 2, version = version + 1 WHERE sale_id = ? AND sku = 'GA'",
                saleId);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            JsonNode item = item(saleId, 0);
            assertThat(item.path("available").asInt()).isEqualTo(98);
            assertThat(item.path("held").asInt()).isEqualTo(1);
        });
    }

    @Test
    void aBurstOfReadersOfOneSaleCostsOneQuery() throws Exception {
        String saleId = newSaleId();
        assertThat(post(saleBody(saleId), BEARER).statusCode()).isEqualTo(201);
        Statistics statistics = entityManagerFactory.unwrap(SessionFactory.class).getStatistics();
        clock.pause();
        try {
            long loads = views.stats().loadCount();
            long statements = statistics.getPrepareStatementCount();

            List<CompletableFuture<HttpResponse<String>>> burst = IntStream.range(0, 200)
                    .mapToObj(i -> http.sendAsync(request("/api/v1/sales/" + saleId).build(), HttpResponse.BodyHandlers.ofString()))
                    .toList();
            List<HttpResponse<String>> responses = burst.stream().map(CompletableFuture::join).toList();

            assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
            assertThat(responses).extracting(HttpResponse::body).containsOnly(responses.get(0).body());
            assertThat(views.stats().loadCount() - loads).isEqualTo(1);
            assertThat(statistics.getPrepareStatementCount() - statements).isEqualTo(1);
        } finally {
            clock.resume();
        }
    }

    @Test
    void servesProbesAndCacheMetrics() throws Exception {
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        get("/api/v1/sales/" + newSaleId());
        assertThat(get("/actuator/prometheus").body()).contains("cache_gets_total{application=\"inventory-service\",cache=\"sale-views\"");
    }

    // --- helpers

    private static String newSaleId() {
        return "sale-" + UUID.randomUUID();
    }

    private static String sale(String saleId, String items) {
        return "{\"saleId\":\"" + saleId + "\",\"name\":\"Winter concert\",\"opensAt\":\"2026-12-24T09:00:00Z\","
                + "\"perCustomerLimit\":4,\"items\":" + items + "}";
    }

    /** The sale with {@code "holdSeconds"} set to the given JSON value. */
    private static String withHold(String sale, String holdSeconds) {
        return sale.replace("\"perCustomerLimit\":4", "\"perCustomerLimit\":4,\"holdSeconds\":" + holdSeconds);
    }

    /** The sale with {@code prequeueOpensAt} and {@code openingOrder} set to the given JSON values (null: absent). */
    private static String withPrequeue(String sale, String prequeueOpensAt, String openingOrder) {
        String fields = (prequeueOpensAt == null ? "" : ",\"prequeueOpensAt\":" + prequeueOpensAt)
                + (openingOrder == null ? "" : ",\"openingOrder\":" + openingOrder);
        return sale.replace("\"perCustomerLimit\":4", "\"perCustomerLimit\":4" + fields);
    }

    private static String saleBody(String saleId) throws IOException {
        // VIP's seats are listed out of alphabetical order: their ordinal is their place in this list.
        return body(saleId, List.of(Map.of("sku", "VIP", "seats", List.of("B-2", "A-1", "A-3")), Map.of("sku", "GA", "stock", 10_000)));
    }

    private static String body(String saleId, List<Map<String, Object>> items) throws IOException {
        return JSON.writeValueAsString(Map.of(
                "saleId", saleId, "name", "Winter concert", "opensAt", "2026-12-24T09:00:00Z", "perCustomerLimit", 4, "items", items));
    }

    private static List<String> seats(int count) {
        List<String> seats = new ArrayList<>(count);
        IntStream.range(0, count).forEach(i -> seats.add("S-" + i));
        return seats;
    }

    private JsonNode item(String saleId, int index) throws Exception {
        return JSON.readTree(get("/api/v1/sales/" + saleId).body()).path("items").path(index);
    }

    private long count(String table, String saleId) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE sale_id = ?", Long.class, saleId);
    }

    private long[] totals() {
        return Stream.of("sales", "items", "seats")
                .mapToLong(table -> jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class))
                .toArray();
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("type").asText()).isNotBlank();
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isNotBlank();
        return problem;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body, String authorization) {
        return postAsync(body, authorization).join();
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String body, String authorization) {
        HttpRequest.Builder request = request("/api/v1/sales")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
