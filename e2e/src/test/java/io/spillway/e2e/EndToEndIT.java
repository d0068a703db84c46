package io.spillway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.e2e.ServerSentEvents.Event;
import io.spillway.testing.TopicRecords;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


/**
 * A sale from the first POST to the last event, through the four services, a real broker and a real
 * PostgreSQL: 50 GA tickets and 10 named seats, 200 buyers of one ticket and 30 buyers of two
 * overlapping seats, all at once. The outcome must be exact, whatever the processor goes through;
 * once the door knows an item is sold out, it may refuse the rest of its orders itself (409).
 */
class EndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STOCK = 50;
    private static final int TICKET_BUYERS = 200;
    private static final int SEAT_BUYERS = 30;
    private static final List<String> SEATS = IntStream.rangeClosed(1, 10).mapToObj(i -> "S-" + i).toList();

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
    void aSaleSellsExactlyItsStockAndEveryBuyerLearnsTheirResult() throws Exception {
        runSale(() -> {});
    }

    @Test
    void theOutcomeIsTheSameWhenTheProcessorRestartsMidSale() throws Exception {
        runSale(spillway::restartProcessor);
    }

    private void runSale(Runnable midway) throws Exception {
        String saleId = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        createSale(saleId);
        awaitTheDoorKnows(saleId);

        List<Callable<Answer>> firstHalf = new ArrayList<>();
        List<Callable<Answer>> secondHalf = new ArrayList<>();
        for (int i = 0; i < TICKET_BUYERS; i++) {
            String body = JSON.writeValueAsString(Map.of("saleId", saleId, "sku", "GA", "quantity", 1));
            (i % 2 == 0 ? firstHalf : secondHalf).add(order("ticket-buyer-" + i, body));
        }
        for (int i = 0; i < SEAT_BUYERS; i++) {
            // Buyer i wants seats i and i+1 (mod 10): every pair overlaps its neighbours'.
            List<String> wanted = List.of(SEATS.get(i % SEATS.size()), SEATS.get((i + 1) % SEATS.size()));
            String body = JSON.writeValueAsString(Map.of("saleId", saleId, "sku", "VIP", "seatIds", wanted));
            (i % 2 == 0 ? firstHalf : secondHalf).add(order("seat-buyer-" + i, body));
        }

        List<Answer> answers = new ArrayList<>(placeAllAtOnce(firstHalf));
        midway.run();
        answers.addAll(placeAllAtOnce(secondHalf));
        // Once the door has learnt that an item is sold out it refuses its orders at once (409); every
        // other order is accepted (202) and must end in exactly one decision.
        List<Accepted> accepted = answers.stream().filter(Accepted.class::isInstance).map(Accepted.class::cast).toList();
        Map<String, Long> refusedAtTheDoor = new HashMap<>();
        answers.stream().filter(RefusedSoldOut.class::isInstance)
                .forEach(refused -> refusedAtTheDoor.merge(((RefusedSoldOut) refused).sku, 1L, Long::sum));
        assertThat(accepted.size() + refusedAtTheDoor.values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(TICKET_BUYERS + SEAT_BUYERS);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> decidedOrders(saleId) == accepted.size());

        // Every stream is opened after the decision: it must still deliver the terminal event, once.
        Map<String, JsonNode> results = new HashMap<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<Event>>> streams = new ArrayList<>();
            for (Accepted order : accepted) {
                streams.add(executor.submit(() -> readWholeStream(order)));
            }
            for (int i = 0; i < accepted.size(); i++) {
                Accepted order = accepted.get(i);
                List<Event> events = streams.get(i).get();
                List<Event> terminal = events.stream().filter(Event::terminalWithoutHold).toList();
                assertThat(terminal).as("terminal events of %s", order.orderId).hasSize(1);
                assertThat(events.getLast()).isEqualTo(terminal.getFirst());
                // GET answers from the order-status table, which may trail the stream (the direct feed).
                AtomicReference<JsonNode> status = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    status.set(getStatus(order));
                    assertThat(status.get().get("status").asText())
                            .isEqualTo(terminal.getFirst().data().get("status").asText());
                    assertThat(status.get().get("reason")).isEqualTo(terminal.getFirst().data().get("reason"));
                });
                results.put(order.orderId, status.get());
            }
        }

        List<JsonNode> tickets = results.values().stream().filter(r -> r.get("sku").asText().equals("GA")).toList();
        assertThat(tickets.stream().filter(r -> r.get("status").asText().equals("CONFIRMED"))).hasSize(STOCK);
        List<String> ticketRejections = tickets.stream()
                .filter(r -> r.get("status").asText().equals("REJECTED"))
                .map(r -> r.get("reason").asText())
                .toList();
        assertThat(ticketRejections).containsOnly("SOLD_OUT");
        assertThat(ticketRejections.size() + refusedAtTheDoor.getOrDefault("GA", 0L))
                .as("GA orders refused, by the processor or at the door")
                .isEqualTo(TICKET_BUYERS - STOCK);

        List<String> soldSeats = new ArrayList<>();
        results.values().stream()
                .filter(r -> r.get("sku").asText().equals("VIP") && r.get("status").asText().equals("CONFIRMED"))
                .forEach(r -> r.get("seats").forEach(seat -> soldSeats.add(seat.asText())));
        assertThat(soldSeats).doesNotHaveDuplicates().isSubsetOf(SEATS).isNotEmpty();
        assertThat(results.values().stream()
                        .filter(r -> r.get("sku").asText().equals("VIP") && r.get("status").asText().equals("REJECTED"))
                        .map(r -> r.get("reason").asText()))
                .containsOnly("SEAT_TAKEN");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode sale = getJson(spillway.inventoryUrl() + "/api/v1/sales/" + saleId);
            JsonNode ga = item(sale, "GA");
            assertThat(ga.get("available").asInt()).isZero();
            assertThat(ga.get("soldOut").asBoolean()).isTrue();
            assertThat(item(sale, "VIP").get("available").asInt()).isEqualTo(SEATS.size() - soldSeats.size());
        });
    }

    /**
     * One order followed across the services by its trace: the buyer's {@code traceparent} reaches the
     * record on {@code orders.requested} and the decision on {@code orders.results}. And every series
     * each service exports names the service ({@code application}), so dashboards select alike.
     */
    @Test
    void anOrderCarriesTheBuyersTraceFromTheDoorToItsDecisionAndEveryMeterNamesItsService() throws Exception {
        String saleId = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        createSale(saleId);
        awaitTheDoorKnows(saleId);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String body = JSON.writeValueAsString(Map.of("saleId", saleId, "sku", "GA", "quantity", 1));
        String idempotencyKey = UUID.randomUUID().toString();
        AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            answer.set(http.send(HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                            .header("Content-Type", "application/json")
                            .header("Idempotency-Key", idempotencyKey)
                            .header("X-Customer-Id", "traced-buyer")
                            .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
            return answer.get().statusCode() != 503 && answer.get().statusCode() != 429;
        });
        assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(202);
        String orderId = JSON.readTree(answer.get().body()).get("orderId").asText();

        assertThat(traceIdOfRecordAbout(spillway.topics().requested(), orderId)).as("orders.requested").isEqualTo(traceId);
        assertThat(traceIdOfRecordAbout(spillway.topics().results(), orderId)).as("orders.results").isEqualTo(traceId);

        for (Map.Entry<String, String> service : spillway.serviceUrls().entrySet()) {
            HttpResponse<String> scrape = http.send(
                    HttpRequest.newBuilder(URI.create(service.getValue() + "/actuator/prometheus")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            List<String> samples = scrape.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank()).toList();
            assertThat(samples).as(service.getKey()).isNotEmpty()
                    .allSatisfy(line -> assertThat(line).contains("application=\"" + service.getKey() + "\""));
        }
    }

    /** The trace id in the {@code traceparent} header of the first record on {@code topic} that names the order. */
    private static String traceIdOfRecordAbout(String topic, String orderId) {
        ConsumerRecord<String, String> record =
                TopicRecords.first(topic, candidate -> candidate.value().contains(orderId), Duration.ofSeconds(30));
        Header traceparent = record.headers().lastHeader("traceparent");
        assertThat(traceparent).as("traceparent on %s", topic).isNotNull();
        return new String(traceparent.value(), StandardCharsets.UTF_8).split("-")[1];
    }

    private void createSale(String saleId) throws Exception {
        String body = JSON.writeValueAsString(Map.of(
                "saleId", saleId,
                "name", "End-to-end sale",
                "opensAt", Instant.now().minusSeconds(60).toString(),
                "perCustomerLimit", 4,
                "items", List.of(Map.of("sku", "GA", "stock", STOCK), Map.of("sku", "VIP", "seats", SEATS))));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(spillway.inventoryUrl() + "/api/v1/sales"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + Spillway.ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    /**
     * The door learns of a sale from Kafka a moment after inventory-service wrote it. An order above
     * the per-customer limit tells "not seen yet" (422 unknown-sale) from "seen" without placing
     * anything.
     */
    private void awaitTheDoorKnows(String saleId) throws Exception {
        String probe = JSON.writeValueAsString(Map.of("saleId", saleId, "sku", "GA", "quantity", 5));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                            .header("Content-Type", "application/json")
                            .header("Idempotency-Key", UUID.randomUUID().toString())
                            .header("X-Customer-Id", "probe")
                            .POST(HttpRequest.BodyPublishers.ofString(probe))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(422);
            assertThat(response.body()).contains("above-customer-limit");
        });
    }

    private Callable<Answer> order(String customer, String body) {
        return () -> {
            // As a buyer's client does: a 503 (not accepted) or 429 is tried again with the same
            // Idempotency-Key, which can never make a second order.
            String idempotencyKey = UUID.randomUUID().toString();
            AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                last.set(http.send(
                        HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                                .header("Content-Type", "application/json")
                                .header("Idempotency-Key", idempotencyKey)
                                .header("X-Customer-Id", customer)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
                return last.get().statusCode() != 503 && last.get().statusCode() != 429;
            });
            HttpResponse<String> response = last.get();
            JsonNode json = JSON.readTree(response.body());
            if (response.statusCode() == 409) {
                assertThat(json.get("type").asText()).as(response.body()).isEqualTo("urn:spillway:problem:sold-out");
                return new RefusedSoldOut(JSON.readTree(body).get("sku").asText());
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            return new Accepted(json.get("orderId").asText(), json.get("links").get("status").asText(),
                    json.get("links").get("events").asText());
        };
    }

    private static List<Answer> placeAllAtOnce(List<Callable<Answer>> orders) throws Exception {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Answer> accepted = new ArrayList<>();
            for (Future<Answer> future : executor.invokeAll(orders)) {
                accepted.add(future.get());
            }
            return accepted;
        }
    }

    private int decidedOrders(String saleId) throws Exception {
        var database = spillway.database();
        try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                var statement = connection.prepareStatement("SELECT count(*) FROM orders WHERE sale_id = ?")) {
            statement.setString(1, saleId);
            var rows = statement.executeQuery();
            rows.next();
            return rows.getInt(1);
        }
    }

    private List<Event> readWholeStream(Accepted order) throws Exception {
        return ServerSentEvents.readToTheEnd(http, spillway.notifierUrl() + order.eventsLink);
    }

    private JsonNode getStatus(Accepted order) throws Exception {
        return getJson(spillway.notifierUrl() + order.statusLink);
    }

    private JsonNode getJson(String url) throws Exception {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode item(JsonNode sale, String sku) {
        for (JsonNode item : sale.get("items")) {
            if (item.get("sku").asText().equals(sku)) {
                return item;
            }
        }
        throw new AssertionError("no item " + sku + " in " + sale);
    }

    private sealed interface Answer permits Accepted, RefusedSoldOut {}

    private record Accepted(String orderId, String statusLink, String eventsLink) implements Answer {}

    private record RefusedSoldOut(String sku) implements Answer {}
}
