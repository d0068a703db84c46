package io.spillway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Running a live sale through the four services, a real broker and a real PostgreSQL (CONTRACT.md,
 * "Running a sale"): stock and seats added to a sold-out item reopen the door and are sold, never
 * oversold; a refused addition changes nothing; a sale paused under load takes no order while paused,
 * still decides the orders queued before, and takes orders again once resumed.
 */
class LiveSaleEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Spillway spillway;
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    @BeforeAll
    static void startSpillway() throws Exception {
        spillway = new Spillway();
    }

    @AfterAll
    static void stopSpillway() {
        if (spillway != null) {
            spillway.close();
        }
    }

    @Test
    void stockAddedToASoldOutItemReopensTheDoorAndIsSoldWithoutOversell() throws Exception {
        String saleId = newSale(List.of(Map.of("sku", "GA", "stock", 2)));
        List<String> first = List.of(place(saleId, "GA", List.of()), place(saleId, "GA", List.of()));
        awaitDecided(first);
        assertThat(statuses(first)).containsExactly("CONFIRMED", "CONFIRMED");
        awaitSoldOutAtTheDoor(saleId, "GA", List.of());

        HttpResponse<String> added = patch(saleId, "GA", "{\"addStock\":3}", null);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        JsonNode item = JSON.readTree(added.body()).get("items").get(0);
        assertThat(item.get("total").asInt()).isEqualTo(5);
        assertThat(item.get("available").asInt()).isEqualTo(3);
        assertThat(item.get("soldOut").asBoolean()).isFalse();

        // The relay publishes the availability on its next poll (250 ms): the 409 sold-out stops.
        List<String> later = new ArrayList<>(List.of(awaitDoorOpen(saleId, "GA", List.of())));
        for (int i = 0; i < 4; i++) {
            later.add(placeUnlessSoldOut(saleId, "GA", List.of()));
        }
        later.removeIf(java.util.Objects::isNull);
        awaitDecided(later);
        assertThat(statuses(later).stream().filter("CONFIRMED"::equals)).hasSize(3);
        assertThat(query("SELECT coalesce(sum(quantity), 0) FROM orders WHERE sale_id = ? AND status = 'CONFIRMED'", saleId))
                .containsExactly("5");
        assertThat(query("SELECT total || '/' || available FROM items WHERE sale_id = ?", saleId)).containsExactly("5/0");
        assertThat(query("SELECT action FROM audit_log WHERE target = ?", "/api/v1/sales/" + saleId + "/items/GA"))
                .containsExactly("item.add");
    }

    @Test
    void seatsAddedToASoldOutItemReopenTheDoorAndEachIsSoldOnce() throws Exception {
        // A second item keeps the sale from ending, so the door keeps checking the seated item's seats.
        String saleId = newSale(List.of(Map.of("sku", "VIP", "seats", List.of("A-1")), Map.of("sku", "GA", "stock", 100)));
        awaitDecided(List.of(place(saleId, "VIP", List.of("A-1"))));
        awaitSoldOutAtTheDoor(saleId, "VIP", List.of("A-1"));

        HttpResponse<String> added = patch(saleId, "VIP", "{\"addSeats\":[\"A-2\",\"A-3\"]}", "seats-once");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        // A retry with the same key adds nothing again.
        assertThat(patch(saleId, "VIP", "{\"addSeats\":[\"A-2\",\"A-3\"]}", "seats-once").statusCode()).isEqualTo(200);
        assertThat(query("SELECT total || '/' || available FROM items WHERE sale_id = ? AND sku = 'VIP'", saleId))
                .containsExactly("3/2");
        assertThat(query("SELECT coalesce(after->>'repeated', 'false') FROM audit_log WHERE target = ? ORDER BY seq",
                "/api/v1/sales/" + saleId + "/items/VIP")).containsExactly("false", "true");
        assertThat(query("SELECT seat_id || '@' || ordinal FROM seats WHERE sale_id = ? ORDER BY ordinal", saleId))
                .containsExactly("A-1@0", "A-2@1", "A-3@2");

        List<String> later = new ArrayList<>(List.of(awaitDoorOpen(saleId, "VIP", List.of("A-2"))));
        for (String seat : List.of("A-2", "A-3", "A-1")) {
            later.add(placeUnlessSoldOut(saleId, "VIP", List.of(seat)));
        }
        later.removeIf(java.util.Objects::isNull);
        awaitDecided(later);
        assertThat(statuses(later).stream().filter("CONFIRMED"::equals)).hasSize(2);
        // Every seat belongs to at most one confirmed order.
        assertThat(query("""
                SELECT seat FROM (SELECT unnest(seats) AS seat FROM orders WHERE sale_id = ? AND status = 'CONFIRMED') s
                 GROUP BY seat HAVING count(*) > 1""", saleId)).isEmpty();
        assertThat(query("SELECT count(*) FROM seats WHERE sale_id = ? AND order_id IS NOT NULL", saleId)).containsExactly("3");
        // The sale's seats are published again with the new ones, for doors started later.
        assertThat(query("SELECT count(*) FROM item_additions WHERE sale_id = ?", saleId)).containsExactly("1");
    }

    @Test
    void aRefusedAdditionAnswersAProblemAndChangesNothing() throws Exception {
        String saleId = newSale(List.of(Map.of("sku", "GA", "stock", 2), Map.of("sku", "VIP", "seats", List.of("A-1"))));
        List<String> before = itemRows(saleId);

        assertProblem(patch(saleId, "GA", "{\"addStock\":-1}", null), 400, "invalid-request");
        assertProblem(patch(saleId, "GA", "{\"addStock\":0}", null), 400, "invalid-request");
        assertProblem(patch(saleId, "GA", "{\"addStock\":1,\"addSeats\":[\"B-1\"]}", null), 400, "invalid-request");
        assertProblem(patch(saleId, "VIP", "{\"addSeats\":[\"B-1\",\"B-1\"]}", null), 400, "invalid-request");
        assertProblem(patch(saleId, "NOPE", "{\"addStock\":1}", null), 404, "unknown-item");
        assertProblem(patch("no-such-sale", "GA", "{\"addStock\":1}", null), 404, "unknown-sale");
        assertProblem(patch(saleId, "VIP", "{\"addStock\":1}", null), 409, "wrong-item-kind");
        assertProblem(patch(saleId, "GA", "{\"addSeats\":[\"B-1\"]}", null), 409, "wrong-item-kind");
        assertProblem(patch(saleId, "VIP", "{\"addSeats\":[\"B-1\",\"A-1\"]}", null), 409, "seat-exists");
        assertProblem(patch(saleId, "GA", "{\"addStock\":10000000}", null), 409, "item-too-large");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(
                        spillway.inventoryUrl() + "/api/v1/sales/" + saleId + "/items/GA"))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"addStock\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(post("/api/v1/sales/" + saleId + "/close").statusCode()).isEqualTo(200);
        assertProblem(patch(saleId, "GA", "{\"addStock\":1}", null), 409, "sale-closed");

        assertThat(itemRows(saleId)).isEqualTo(before);
        assertThat(query("SELECT count(*) FROM item_additions WHERE sale_id = ?", saleId)).containsExactly("0");
        assertThat(query("SELECT count(*) FROM audit_log WHERE action = 'item.add' AND target LIKE ?",
                "/api/v1/sales/" + saleId + "/%")).containsExactly("0");
    }

    @Test
    void aSalePausedUnderLoadTakesNoOrderWhilePausedStillDecidesTheQueuedOnesAndTakesOrdersOnceResumed() throws Exception {
        String saleId = newSale(List.of(Map.of("sku", "GA", "stock", 1_000_000)));
        Load load = new Load(saleId, 4);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.accepted().size() >= 30);
            // Orders queue up undecided: the pause must leave them to be decided.
            spillway.pauseProcessor();
            int queuedFrom = load.accepted().size();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.accepted().size() >= queuedFrom + 30);

            assertThat(post("/api/v1/sales/" + saleId + "/pause").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> load.firstPausedAnswer() != null);
            Instant pausedSeen = load.firstPausedAnswer();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.answersStartedAfter(pausedSeen) >= 50);
            List<String> queued = List.copyOf(load.accepted());
            assertThat(undecided(queued)).as("orders queued before the pause, undecided").isPositive();

            spillway.resumeProcessor();
            // Still paused: the queued orders are decided all the same.
            awaitDecided(queued);
            assertThat(statuses(queued)).containsOnly("CONFIRMED");

            Instant resumeSent = Instant.now();
            assertThat(post("/api/v1/sales/" + saleId + "/resume").statusCode()).isEqualTo(200);
            int acceptedAtResume = load.accepted().size();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.accepted().size() >= acceptedAtResume + 20);
            load.stop();

            List<Answer> whilePaused = load.answers().stream()
                    .filter(a -> a.started().isAfter(pausedSeen) && a.ended().isBefore(resumeSent)).toList();
            assertThat(whilePaused).hasSizeGreaterThanOrEqualTo(50);
            assertThat(whilePaused).allSatisfy(answer -> {
                assertThat(answer.status()).as(answer.body()).isEqualTo(409);
                assertThat(answer.body()).contains("urn:spillway:problem:sale-paused");
                assertThat(answer.retryAfter()).isNotNull();
            });
            awaitDecided(load.accepted());
            assertThat(statuses(load.accepted())).containsOnly("CONFIRMED");
        } finally {
            load.stop();
            spillway.resumeProcessor();
        }
    }

    /** Orders of one sale from a few threads, each from a new customer, every answer kept with its times. */
    private final class Load {

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        private final AtomicReference<Instant> firstPaused = new AtomicReference<>();
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        private final List<Future<?>> workers = new ArrayList<>();

        Load(String saleId, int workers) {
            for (int i = 0; i < workers; i++) {
                this.workers.add(threads.submit(() -> {
                    while (running.get()) {
                        Instant started = Instant.now();
                        HttpResponse<String> answer = order(saleId, "GA", List.of(), "load-" + UUID.randomUUID(),
                                UUID.randomUUID().toString());
                        Instant ended = Instant.now();
                        answers.add(new Answer(started, ended, answer.statusCode(), answer.body(),
                                answer.headers().firstValue("Retry-After").orElse(null)));
                        if (answer.statusCode() == 202) {
                            accepted.add(JSON.readTree(answer.body()).get("orderId").asText());
                        } else if (answer.body().contains("sale-paused")) {
                            firstPaused.compareAndSet(null, ended);
                        }
                    }
                    return null;
                }));
            }
        }

        List<String> accepted() {
            return List.copyOf(accepted);
        }

        List<Answer> answers() {
            return List.copyOf(answers);
        }

        Instant firstPausedAnswer() {
            return firstPaused.get();
        }

        long answersStartedAfter(Instant instant) {
            return answers.stream().filter(a -> a.started().isAfter(instant)).count();
        }

        void stop() throws Exception {
            running.set(false);
            for (Future<?> worker : workers) {
                worker.get();
            }
            threads.shutdown();
        }
    }

    private record Answer(Instant started, Instant ended, int status, String body, String retryAfter) {}

    private String newSale(List<Map<String, Object>> items) throws Exception {
        String saleId = "live-" + UUID.randomUUID().toString().substring(0, 8);
        String body = JSON.writeValueAsString(Map.of(
                "saleId", saleId,
                "name", "Live sale end-to-end",
                "opensAt", Instant.now().minusSeconds(60).toString(),
                "perCustomerLimit", 1,
                "items", items));
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(spillway.inventoryUrl() + "/api/v1/sales"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + Spillway.ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String sku = (String) items.getFirst().get("sku");
        // The door knows the sale once an order above the limit is refused for that, not as unknown.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            HttpResponse<String> probe = http.send(HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .header("X-Customer-Id", "probe")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                            Map.of("saleId", saleId, "sku", sku, "quantity", 2))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(probe.body()).contains("above-customer-limit");
        });
        return saleId;
    }

    /** Places one order from a new customer and answers its id; retries what the door may answer for a moment. */
    private String place(String saleId, String sku, List<String> seats) throws Exception {
        String key = UUID.randomUUID().toString();
        String customer = "buyer-" + UUID.randomUUID();
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last.set(order(saleId, sku, seats, customer, key));
            return last.get().statusCode() != 503 && last.get().statusCode() != 429;
        });
        assertThat(last.get().statusCode()).as(last.get().body()).isEqualTo(202);
        return orderId(last.get());
    }

    /** As {@link #place}, but null when the door answers the item sold out. */
    private String placeUnlessSoldOut(String saleId, String sku, List<String> seats) throws Exception {
        HttpResponse<String> answer = order(saleId, sku, seats, "buyer-" + UUID.randomUUID(), UUID.randomUUID().toString());
        if (answer.statusCode() == 409 && answer.body().contains("sold-out")) {
            return null;
        }
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return orderId(answer);
    }

    private void awaitSoldOutAtTheDoor(String saleId, String sku, List<String> seats) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            HttpResponse<String> answer = order(saleId, sku, seats, "prober-" + UUID.randomUUID(), UUID.randomUUID().toString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(409);
            assertThat(answer.body()).contains("sold-out");
        });
    }

    /**
     * Waits until the door stops answering 409 sold-out and answers the id of the order it took then.
     * (A probe the door lets through is an order like any other; a refusal for any other reason fails.)
     */
    private String awaitDoorOpen(String saleId, String sku, List<String> seats) {
        AtomicReference<String> taken = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> taken.get() != null || set(taken, placeUnlessSoldOut(saleId, sku, seats)));
        return taken.get();
    }

    private static boolean set(AtomicReference<String> reference, String value) {
        reference.set(value);
        return value != null;
    }

    private HttpResponse<String> order(String saleId, String sku, List<String> seats, String customer, String key) throws Exception {
        Map<String, Object> body = seats.isEmpty()
                ? Map.of("saleId", saleId, "sku", sku, "quantity", 1)
                : Map.of("saleId", saleId, "sku", sku, "seatIds", seats);
        return http.send(
                HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", key)
                        .header("X-Customer-Id", customer)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String orderId(HttpResponse<String> accepted) throws Exception {
        return JSON.readTree(accepted.body()).get("orderId").asText();
    }

    private HttpResponse<String> patch(String saleId, String sku, String body, String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                        spillway.inventoryUrl() + "/api/v1/sales/" + saleId + "/items/" + sku))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + Spillway.ADMIN_TOKEN)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(spillway.inventoryUrl() + path))
                        .header("Authorization", "Bearer " + Spillway.ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String type) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(answer.body()).contains("urn:spillway:problem:" + type);
    }

    private List<String> itemRows(String saleId) throws Exception {
        List<String> rows = new ArrayList<>(query(
                "SELECT sku || ' ' || total || ' ' || available || ' ' || sold_out || ' ' || version FROM items WHERE sale_id = ? ORDER BY sku",
                saleId));
        rows.addAll(query("SELECT seat_id FROM seats WHERE sale_id = ? ORDER BY ordinal", saleId));
        return rows;
    }

    private void awaitDecided(List<String> orderIds) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> undecided(orderIds) == 0);
    }

    private long undecided(List<String> orderIds) throws Exception {
        return orderIds.size() - statuses(orderIds).size();
    }

    /** Each decided order's status, with its reason when rejected. */
    private List<String> statuses(List<String> orderIds) throws Exception {
        try (Connection connection = connection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT status || coalesce(' ' || reason, '') FROM orders WHERE order_id = ANY (?::uuid[])")) {
            statement.setArray(1, connection.createArrayOf("varchar", orderIds.toArray()));
            List<String> statuses = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    statuses.add(rows.getString(1));
                }
            }
            return statuses;
        }
    }

    private List<String> query(String sql, String parameter) throws Exception {
        try (Connection connection = connection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            List<String> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }

    private static Connection connection() throws Exception {
        var database = spillway.database();
        return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
    }
}
