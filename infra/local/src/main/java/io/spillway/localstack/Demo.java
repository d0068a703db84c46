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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * {@code ./spillway demo}: a sale opens and a crowd of buyers presses "buy" at once, through the
 * public API only, as a browser would. Every accepted order is then followed on its event stream
 * until its result arrives, and the outcome is checked from the buyers' side: nothing confirmed
 * beyond the stock, no seat confirmed twice, every accepted order decided.
 */
public final class Demo {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final String ingest;
    private final String notifier;
    private final String inventory;
    private final String adminToken;

    private Demo(Arguments arguments) {
        this.ingest = arguments.require("ingest");
        this.notifier = arguments.require("notifier");
        this.inventory = arguments.require("inventory");
        this.adminToken = arguments.require("admin-token");
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(args);
        int buyers = arguments.intOr("buyers", 2000);
        int stock = arguments.intOr("stock", 500);
        int seats = arguments.intOr("seats", 40);
        boolean ok = new Demo(arguments).run(buyers, stock, seats);
        System.exit(ok ? 0 : 1);
    }

    private boolean run(int buyers, int stock, int seatCount) throws Exception {
        String saleId = "demo-" + Instant.now().getEpochSecond();
        List<String> seatIds = new ArrayList<>();
        for (int i = 1; i <= seatCount; i++) {
            seatIds.add("A-" + i);
        }
        createSale(saleId, stock, seatIds);
        awaitTheDoorKnows(saleId);
        System.out.printf("sale %s: GA %d in stock, VIP %d named seats, at most 4 per buyer%n", saleId, stock, seatCount);

        long started = System.nanoTime();
        List<Placed> placed = placeOrders(saleId, buyers, seatIds);
        double burstSeconds = (System.nanoTime() - started) / 1e9;
        long accepted = placed.stream().filter(p -> p.status == 202).count();
        Map<Integer, Long> refused = new TreeMap<>();
        placed.stream().filter(p -> p.status != 202).forEach(p -> refused.merge(p.status, 1L, Long::sum));
        System.out.printf("%d buyers ordered in %.1f s: %d accepted (202)%s%n", buyers, burstSeconds, accepted,
                refused.isEmpty() ? "" : ", refused by status " + refused);

        List<JsonNode> results = followToTheEnd(placed.stream().filter(p -> p.status == 202).toList());
        return report(saleId, stock, results, accepted);
    }

    private void createSale(String saleId, int stock, List<String> seatIds) throws Exception {
        Map<String, Object> sale = Map.of(
                "saleId", saleId,
                "name", "Spillway demo sale",
                "opensAt", Instant.now().minusSeconds(1).toString(),
                "perCustomerLimit", 4,
                "items", List.of(Map.of("sku", "GA", "stock", stock), Map.of("sku", "VIP", "seats", seatIds)));
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

    /** Nine in ten buyers want 1–2 GA tickets, the others two adjacent VIP seats: all at once. */
    private List<Placed> placeOrders(String saleId, int buyers, List<String> seatIds) throws Exception {
        Random random = new Random(42);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < buyers; i++) {
            if (i % 10 == 9) {
                int first = random.nextInt(seatIds.size() - 1);
                bodies.add(JSON.writeValueAsString(Map.of(
                        "saleId", saleId, "sku", "VIP", "seatIds", List.of(seatIds.get(first), seatIds.get(first + 1)))));
            } else {
                bodies.add(JSON.writeValueAsString(Map.of("saleId", saleId, "sku", "GA", "quantity", 1 + random.nextInt(2))));
            }
        }
        Semaphore concurrency = new Semaphore(128);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Placed>> futures = new ArrayList<>();
            for (int i = 0; i < buyers; i++) {
                String customer = "buyer-" + i;
                String body = bodies.get(i);
                futures.add(executor.submit(() -> {
                    concurrency.acquire();
                    try {
                        return place(customer, body);
                    } finally {
                        concurrency.release();
                    }
                }));
            }
            List<Placed> placed = new ArrayList<>();
            for (Future<Placed> future : futures) {
                placed.add(future.get());
            }
            return placed;
        }
    }

    /**
     * One buyer's order, as a well-behaved client sends it: a 429 (rate limit) or 503 (shedding
     * load, broker slow) is retried after its {@code Retry-After} with the same {@code
     * Idempotency-Key}, so a retry can never become a second order.
     */
    private Placed place(String customer, String body) throws Exception {
        String idempotencyKey = UUID.randomUUID().toString();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            HttpResponse<String> response = post(customer, idempotencyKey, body);
            int status = response.statusCode();
            if (status == 202) {
                JsonNode accepted = JSON.readTree(response.body());
                return new Placed(202, accepted.get("orderId").asText(), accepted.get("links").get("events").asText());
            }
            if ((status != 429 && status != 503) || System.nanoTime() > deadline) {
                return new Placed(status, null, null);
            }
            long waitSeconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
            Thread.sleep(Duration.ofSeconds(Math.max(1, waitSeconds)));
        }
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

    /**
     * The door learns of a new sale from Kafka, a moment after inventory-service wrote it. An
     * order above the per-customer limit tells the two apart without placing anything: 422
     * {@code unknown-sale} while the door has not seen the sale, another answer once it has.
     */
    private void awaitTheDoorKnows(String saleId) throws Exception {
        String probe = JSON.writeValueAsString(Map.of("saleId", saleId, "sku", "GA", "quantity", 100));
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

    /** Opens each order's event stream and reads it to its terminal event, as a buyer's page would. */
    private List<JsonNode> followToTheEnd(List<Placed> accepted) throws Exception {
        Semaphore streams = new Semaphore(200);
        Map<String, JsonNode> results = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (Placed order : accepted) {
                futures.add(executor.submit(() -> {
                    streams.acquire();
                    try {
                        while (System.nanoTime() < deadline && !results.containsKey(order.orderId)) {
                            JsonNode terminal = readTerminalEvent(order.eventsLink);
                            if (terminal != null) {
                                results.put(order.orderId, terminal);
                            }
                        }
                    } finally {
                        streams.release();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        return new ArrayList<>(results.values());
    }

    private JsonNode readTerminalEvent(String eventsLink) throws Exception {
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
                } else if (line.startsWith("data:") && ("confirmed".equals(event) || "rejected".equals(event))) {
                    return JSON.readTree(line.substring(5).trim());
                }
            }
        }
        return null;
    }

    private boolean report(String saleId, int stock, List<JsonNode> results, long accepted) throws Exception {
        int confirmed = 0;
        int gaSold = 0;
        Map<String, Integer> rejected = new TreeMap<>();
        Map<String, Integer> seatOwners = new HashMap<>();
        for (JsonNode result : results) {
            if ("CONFIRMED".equals(result.get("status").asText())) {
                confirmed++;
                if ("GA".equals(result.get("sku").asText())) {
                    gaSold += result.get("quantity").asInt();
                }
                result.get("seats").forEach(seat -> seatOwners.merge(seat.asText(), 1, Integer::sum));
            } else {
                rejected.merge(result.get("reason").asText(), 1, Integer::sum);
            }
        }
        long doubleSoldSeats = seatOwners.values().stream().filter(owners -> owners > 1).count();
        long oversold = Math.max(0, gaSold - stock) + doubleSoldSeats;
        long undecided = accepted - results.size();

        HttpResponse<String> sale = http.send(
                HttpRequest.newBuilder(URI.create(inventory + "/api/v1/sales/" + saleId)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.printf("confirmed: %d orders (GA %d of %d tickets, VIP %d of the seats)%n",
                confirmed, gaSold, stock, seatOwners.size());
        System.out.printf("rejected:  %d %s%n", rejected.values().stream().mapToInt(Integer::intValue).sum(), rejected);
        System.out.printf("undecided: %d%n", undecided);
        System.out.printf("oversold:  %d%n", oversold);
        for (JsonNode item : JSON.readTree(sale.body()).get("items")) {
            int left = item.get("available").asInt();
            String note = left > 0 && item.get("soldOut").asBoolean()
                    ? " (closed: an order larger than what was left was refused, and no later buyer may pass it)"
                    : "";
            System.out.printf("inventory: %s %d of %d left%s%n",
                    item.get("sku").asText(), left, item.get("total").asInt(), note);
        }
        return oversold == 0 && undecided == 0;
    }

    private record Placed(int status, String orderId, String eventsLink) {}
}
