package io.spillway.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The demo's buyers, seller and payment system, through the public API only, as a browser, an
 * operator's script and a payment system's callback would call it.
 */
final class DemoClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The events after which a stream has nothing more to say about the order. */
    static final Set<String> TERMINAL = Set.of("rejected", "paid", "expired", "cancelled");

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final String ingest;
    private final String notifier;
    private final String inventory;
    private final String adminToken;

    DemoClient(String ingest, String notifier, String inventory, String adminToken) {
        this.ingest = ingest;
        this.notifier = notifier;
        this.inventory = inventory;
        this.adminToken = adminToken;
    }

    void createSale(Map<String, Object> sale) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(inventory + "/api/v1/sales"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + adminToken)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(sale)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("creating the sale answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** The buyers' waiting-room page of a sale, on the notifier. */
    String pageOf(String saleId) {
        return notifier + "/s/" + saleId;
    }

    JsonNode sale(String saleId) throws Exception {
        HttpResponse<String> sale = http.send(
                HttpRequest.newBuilder(URI.create(inventory + "/api/v1/sales/" + saleId)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(sale.body());
    }

    /** Every body placed at once, by its own buyer, at most 128 in flight. */
    List<Placed> placeAll(List<String> customers, List<String> bodies) throws Exception {
        return forEach(customers.size(), 128, i -> place(customers.get(i), bodies.get(i)));
    }

    /**
     * One buyer's order, as a well-behaved client sends it: a 429 (rate limit) or 503 (shedding
     * load, broker slow) is retried after its {@code Retry-After} with the same {@code
     * Idempotency-Key}, so a retry can never become a second order.
     */
    Placed place(String customer, String body) throws Exception {
        String idempotencyKey = UUID.randomUUID().toString();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            HttpResponse<String> response = post(customer, idempotencyKey, body);
            int status = response.statusCode();
            if (status == 202) {
                JsonNode accepted = JSON.readTree(response.body());
                return new Placed(202, accepted.get("orderId").asText(), accepted.get("accessToken").asText(),
                        accepted.get("links").get("events").asText());
            }
            if ((status != 429 && status != 503) || System.nanoTime() > deadline) {
                return new Placed(status, null, null, null);
            }
            waitToRetry(response);
        }
    }

    /**
     * The first buyer after tickets came back: the door may still answer {@code 409} sold out for
     * the moment its view lags the processor; tried again for up to 30 s.
     */
    Placed placeWhileClosed(String customer, String body) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Placed placed = place(customer, body);
        while (placed.status() == 409 && System.nanoTime() < deadline) {
            Thread.sleep(Duration.ofMillis(250));
            placed = place(customer, body);
        }
        return placed;
    }

    private HttpResponse<String> post(String customer, String idempotencyKey, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(ingest + "/api/v1/orders"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", idempotencyKey)
                        .header("X-Customer-Id", customer)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The payment system's callback: retried on 429 and 503 with the same key, so it pays once. */
    int pay(Placed order, String paymentToken, String paymentRef) throws Exception {
        String idempotencyKey = "pay-" + paymentRef;
        return sendCommand(() -> HttpRequest.newBuilder(
                        URI.create(ingest + "/api/v1/orders/" + order.orderId() + "/payment"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + paymentToken)
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString("{\"paymentRef\":\"" + paymentRef + "\"}"))
                .build());
    }

    /** The buyer's cancel, with the order's own access token. */
    int cancel(Placed order) throws Exception {
        return sendCommand(() -> HttpRequest.newBuilder(URI.create(
                        ingest + "/api/v1/orders/" + order.orderId() + "/cancel?token=" + order.accessToken()))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    private int sendCommand(java.util.function.Supplier<HttpRequest> request) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            HttpResponse<String> response = http.send(request.get(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if ((status != 429 && status != 503) || System.nanoTime() > deadline) {
                return status;
            }
            waitToRetry(response);
        }
    }

    private static void waitToRetry(HttpResponse<String> response) throws InterruptedException {
        long waitSeconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
        Thread.sleep(Duration.ofSeconds(Math.max(1, waitSeconds)));
    }

    /**
     * The door learns of a new sale from Kafka, a moment after inventory-service wrote it. An
     * order above the per-customer limit tells the two apart without placing anything: 422
     * {@code unknown-sale} while the door has not seen the sale, another answer once it has.
     */
    void awaitTheDoorKnows(String saleId, String sku, int aboveTheLimit) throws Exception {
        String probe = JSON.writeValueAsString(Map.of("saleId", saleId, "sku", sku, "quantity", aboveTheLimit));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = post("demo-probe", UUID.randomUUID().toString(), probe);
            if (response.statusCode() == 202) {
                throw new IllegalStateException("the door accepted an order above the per-customer limit");
            }
            if (!response.body().contains("unknown-sale") && response.statusCode() != 503 && response.statusCode() != 429) {
                return;
            }
            Thread.sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException("ingest-api did not learn of sale " + saleId + " within 60 s");
    }

    /**
     * Opens each order's event stream and reads it until one of {@code events}, as a buyer's page
     * would; a dropped stream is opened again. Orders whose event did not come within the time
     * are missing from the answer.
     */
    Map<String, Event> follow(List<Placed> orders, Set<String> events, Duration within) throws Exception {
        Map<String, Event> results = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + within.toNanos();
        forEach(orders.size(), 200, i -> {
            Placed order = orders.get(i);
            while (System.nanoTime() < deadline && !results.containsKey(order.orderId())) {
                Event event = readUntil(order.eventsLink(), events);
                if (event != null) {
                    results.put(order.orderId(), event);
                }
            }
            return null;
        });
        return results;
    }

    private Event readUntil(String eventsLink, Set<String> events) throws Exception {
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create(notifier + eventsLink))
                        .timeout(Duration.ofSeconds(60))
                        .header("Accept", "text/event-stream")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                return null;
            }
            String event = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:") && events.contains(event)) {
                    return new Event(event, JSON.readTree(line.substring(5).trim()));
                }
            }
        }
        return null;
    }

    private static <T> List<T> forEach(int count, int concurrency, Task<T> task) throws Exception {
        Semaphore permits = new Semaphore(concurrency);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        return task.run(index);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    @FunctionalInterface
    interface Task<T> {
        T run(int index) throws Exception;
    }

    record Placed(int status, String orderId, String accessToken, String eventsLink) {}

    /** An event of an order's stream: its name and its status body. */
    record Event(String name, JsonNode data) {}
}
