package io.spillway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.Draw;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fair opening through the four services, a real broker and a real PostgreSQL, from the buyers'
 * side only (CONTRACT.md, "Opening: pre-queue and draw", guarantee 8): orders taken in the pre-queue
 * wait as pre-queue orders, are decided at the opening in the published draw order, and the seed,
 * committed to at creation, is revealed with the draw afterwards.
 */
class OpeningEndToEndIT {

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
    void prequeueBuyersAreDecidedInTheRevealedDrawOrderThatAnyoneCanCheck() throws Exception {
        String saleId = "opening-" + UUID.randomUUID().toString().substring(0, 8);
        Instant opensAt = Instant.now().plusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> created = post(spillway.inventoryUrl() + "/api/v1/sales", Map.of(
                "saleId", saleId, "name", "Opening end-to-end", "opensAt", opensAt.toString(),
                "prequeueOpensAt", Instant.now().minusSeconds(60).toString(), "openingOrder", "SHUFFLED",
                "perCustomerLimit", 1, "items", List.of(Map.of("sku", "GA", "stock", 3))),
                Map.of("Authorization", "Bearer " + Spillway.ADMIN_TOKEN));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String commitment = JSON.readTree(created.body()).get("draw").get("commitment").asText();
        JsonNode before = getJson(spillway.inventoryUrl() + "/api/v1/sales/" + saleId);
        assertThat(before.get("state").asText()).isEqualTo("PREQUEUE");
        assertThat(before.get("draw").get("seed").isNull()).isTrue();
        assertThat(get(spillway.inventoryUrl() + "/api/v1/sales/" + saleId + "/draw").statusCode()).isEqualTo(409);

        Map<String, String> tokens = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            String key = UUID.randomUUID().toString();
            String customer = "early-" + i;
            AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
            // The door learns of the sale a moment after its creation: until then it is unknown (422).
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
                last.set(post(spillway.ingestUrl() + "/api/v1/orders", Map.of("saleId", saleId, "sku", "GA", "quantity", 1),
                        Map.of("Idempotency-Key", key, "X-Customer-Id", customer)));
                return last.get().statusCode() == 202;
            });
            JsonNode accepted = JSON.readTree(last.get().body());
            tokens.put(accepted.get("orderId").asText(), accepted.get("accessToken").asText());
        }

        // Before the opening: queued in the pre-queue, without a position.
        String first = tokens.keySet().iterator().next();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode status = status(first, tokens.get(first));
            assertThat(status.get("status").asText()).isEqualTo("QUEUED");
            assertThat(status.get("queue").get("prequeue").asBoolean()).as(status.toString()).isTrue();
            assertThat(status.get("queue").get("position").isNull()).isTrue();
        });

        Map<String, String> outcomes = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (Map.Entry<String, String> order : tokens.entrySet()) {
                String state = status(order.getKey(), order.getValue()).get("status").asText();
                assertThat(state).isIn("CONFIRMED", "REJECTED");
                outcomes.put(order.getKey(), state);
            }
        });
        assertThat(outcomes.values().stream().filter("CONFIRMED"::equals)).hasSize(3);

        // After the draw: the seed matches the commitment, and each buyer finds their key, place and outcome.
        AtomicReference<JsonNode> draw = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            HttpResponse<String> answer = get(spillway.inventoryUrl() + "/api/v1/sales/" + saleId + "/draw");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            draw.set(JSON.readTree(answer.body()));
        });
        String seed = draw.get().get("seed").asText();
        assertThat(Draw.commitment(Draw.fromHex(seed))).isEqualTo(commitment);
        List<String> keys = new ArrayList<>();
        draw.get().get("items").get(0).get("keys").forEach(key -> keys.add(key.get("key").asText()));
        assertThat(keys).hasSize(8).isSorted();
        for (Map.Entry<String, String> outcome : outcomes.entrySet()) {
            String key = Draw.key(Draw.fromHex(seed), io.spillway.contract.OrderId.of(outcome.getKey()));
            int place = keys.indexOf(key);
            assertThat(place).as("the key of %s is in the draw", outcome.getKey()).isNotNegative();
            // One unit each, three units: the first three places are confirmed, the rest sold out.
            assertThat(outcome.getValue()).isEqualTo(place < 3 ? "CONFIRMED" : "REJECTED");
        }
        assertThat(draw.get().toString()).doesNotContain(first).doesNotContain("early-");
        assertThat(getJson(spillway.inventoryUrl() + "/api/v1/sales/" + saleId).get("draw").get("seed").asText())
                .isEqualTo(seed);
    }

    private HttpResponse<String> post(String url, Object body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode status(String orderId, String token) throws Exception {
        return getJson(spillway.notifierUrl() + "/api/v1/orders/" + orderId + "?token=" + token);
    }

    private JsonNode getJson(String url) throws Exception {
        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
