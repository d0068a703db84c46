package io.spillway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.e2e.ServerSentEvents.Event;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


/**
 * Holds through the four services, a real broker and a real PostgreSQL, from the buyer's and the
 * payment system's side only (CONTRACT.md, "Holds", guarantee 7): a payment the door accepted before
 * the deadline wins even when the processor only sees it after; one accepted after is refused
 * {@code TOO_LATE}, the hold expires and its ticket is sold again; a cancelled hold gives its ticket
 * back too.
 */
class HoldsEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HOLD_SECONDS = 6;

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
    void aPaymentAcceptedBeforeTheDeadlineWinsThoughTheProcessorSeesItAfter() throws Exception {
        String saleId = newSale(1);
        Order order = place(saleId, "early-payer");
        Instant deadline = awaitHeld(order);

        spillway.pauseProcessor();
        try {
            await().atMost(Duration.ofSeconds(HOLD_SECONDS))
                    .until(() -> !Instant.now().isBefore(deadline.minusMillis(1500)));
            HttpResponse<String> payment = pay(order, "ref-early-" + order.orderId);
            assertThat(payment.statusCode()).as(payment.body()).isEqualTo(202);
            assertThat(Instant.now()).as("the door answered before the deadline").isBefore(deadline);
            // Past the deadline and the payment grace, with nothing decided meanwhile.
            await().atMost(Duration.ofSeconds(HOLD_SECONDS)).until(() -> Instant.now().isAfter(deadline.plusSeconds(2)));
        } finally {
            spillway.resumeProcessor();
        }

        List<Event> events = readWholeStream(order);
        assertThat(events.getLast().name()).isEqualTo("paid");
        assertThat(events.stream().filter(e -> e.name().equals("paid"))).hasSize(1);
        // The stream hears the result from the direct feed; GET answers from the order-status table,
        // two Kafka Streams hops behind it (docs/contract-readings.md), and the sale's view may lag too.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode status = status(order);
            assertThat(status.get("status").asText()).isEqualTo("PAID");
            assertThat(status.get("holdExpiresAt").asText()).isEqualTo(deadline.toString());
            JsonNode item = item(saleId);
            assertThat(item.get("available").asInt()).isZero();
            assertThat(item.get("held").asInt()).isZero();
        });
    }

    @Test
    void aPaymentAfterTheDeadlineIsRefusedTooLateAndTheTicketIsSoldAgain() throws Exception {
        String saleId = newSale(1);
        Order late = place(saleId, "late-payer");
        Instant deadline = awaitHeld(late);
        await().atMost(Duration.ofSeconds(HOLD_SECONDS + 1)).until(() -> Instant.now().isAfter(deadline));

        HttpResponse<String> payment = pay(late, "ref-late-" + late.orderId);
        assertThat(payment.statusCode()).as(payment.body()).isEqualTo(202);

        List<Event> events = readWholeStream(late);
        assertThat(events.getLast().name()).isEqualTo("expired");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode status = status(late);
            assertThat(status.get("status").asText()).isEqualTo("EXPIRED");
            assertThat(status.path("payment").path("outcome").asText()).isEqualTo("TOO_LATE");
            assertThat(status.path("payment").path("ref").asText()).isEqualTo("ref-late-" + late.orderId);
        });

        Order next = placeOnceReopened(saleId, "next-buyer");
        awaitHeld(next);
    }

    @Test
    void aCancelledHoldGivesItsTicketBackToTheNextBuyer() throws Exception {
        String saleId = newSale(1);
        Order first = place(saleId, "canceller");
        awaitHeld(first);
        HttpResponse<String> cancel = http.send(
                HttpRequest.newBuilder(URI.create(
                                spillway.ingestUrl() + "/api/v1/orders/" + first.orderId + "/cancel?token=" + first.token))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        assertThat(readWholeStream(first).getLast().name()).isEqualTo("cancelled");

        Order second = placeOnceReopened(saleId, "second-chance");
        awaitHeld(second);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(item(saleId).get("held").asInt()).isEqualTo(1));
    }

    private String newSale(int stock) throws Exception {
        String saleId = "holds-" + UUID.randomUUID().toString().substring(0, 8);
        String body = JSON.writeValueAsString(Map.of(
                "saleId", saleId,
                "name", "Holds end-to-end",
                "opensAt", Instant.now().minusSeconds(60).toString(),
                "perCustomerLimit", 1,
                "holdSeconds", HOLD_SECONDS,
                "items", List.of(Map.of("sku", "GA", "stock", stock))));
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(spillway.inventoryUrl() + "/api/v1/sales"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + Spillway.ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // The door knows the sale once an order above the limit is refused for that, not as unknown.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            HttpResponse<String> probe = order(saleId, "probe", UUID.randomUUID().toString(), 2);
            assertThat(probe.body()).contains("above-customer-limit");
        });
        return saleId;
    }

    private Order place(String saleId, String customer) throws Exception {
        String key = UUID.randomUUID().toString();
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            last.set(order(saleId, customer, key, 1));
            return last.get().statusCode() != 503 && last.get().statusCode() != 429;
        });
        assertThat(last.get().statusCode()).as(last.get().body()).isEqualTo(202);
        JsonNode accepted = JSON.readTree(last.get().body());
        return new Order(accepted.get("orderId").asText(), accepted.get("accessToken").asText());
    }

    /** The first order after a ticket came back: the door's view of the item may lag for a moment. */
    private Order placeOnceReopened(String saleId, String customer) throws Exception {
        String key = UUID.randomUUID().toString();
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            last.set(order(saleId, customer, key, 1));
            return last.get().statusCode() == 202 || last.get().statusCode() == 422 || last.get().statusCode() == 400;
        });
        assertThat(last.get().statusCode()).as(last.get().body()).isEqualTo(202);
        JsonNode accepted = JSON.readTree(last.get().body());
        return new Order(accepted.get("orderId").asText(), accepted.get("accessToken").asText());
    }

    private HttpResponse<String> order(String saleId, String customer, String key, int quantity) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", key)
                        .header("X-Customer-Id", customer)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                                Map.of("saleId", saleId, "sku", "GA", "quantity", quantity))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits for the order's held confirmation; answers its deadline. */
    private Instant awaitHeld(Order order) {
        AtomicReference<Instant> deadline = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode status = status(order);
            assertThat(status.get("status").asText()).isEqualTo("CONFIRMED");
            assertThat(status.get("holdExpiresAt").isTextual()).as(status.toString()).isTrue();
            deadline.set(Instant.parse(status.get("holdExpiresAt").asText()));
        });
        return deadline.get();
    }

    private HttpResponse<String> pay(Order order, String paymentRef) throws Exception {
        String key = UUID.randomUUID().toString();
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        // The door learns of the hold from orders.holds a moment after the confirmation: until then
        // the payment system is told 404 and tries again with the same key, which pays once.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last.set(http.send(
                    HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders/" + order.orderId + "/payment"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + Spillway.PAYMENT_TOKEN)
                            .header("Idempotency-Key", key)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"paymentRef\":\"" + paymentRef + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
            return last.get().statusCode() != 404 && last.get().statusCode() != 503 && last.get().statusCode() != 429;
        });
        return last.get();
    }

    private JsonNode status(Order order) throws Exception {
        return getJson(spillway.notifierUrl() + "/api/v1/orders/" + order.orderId + "?token=" + order.token);
    }

    private JsonNode item(String saleId) throws Exception {
        return getJson(spillway.inventoryUrl() + "/api/v1/sales/" + saleId).get("items").get(0);
    }

    private JsonNode getJson(String url) throws Exception {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** The order's whole stream: a held order's ends with its hold. */
    private List<Event> readWholeStream(Order order) throws Exception {
        return ServerSentEvents.readToTheEnd(http,
                spillway.notifierUrl() + "/api/v1/orders/" + order.orderId + "/events?token=" + order.token);
    }

    private record Order(String orderId, String token) {}
}
