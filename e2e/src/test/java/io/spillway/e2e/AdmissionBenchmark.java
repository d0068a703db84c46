package io.spillway.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.testing.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The admission benchmark (docs/benchmarks/admission.md), run by {@code e2e/bench/admission.sh}: the
 * four services in this JVM ({@link Spillway}) against one broker and one PostgreSQL.
 *
 * <ol>
 *   <li><b>The door</b>: {@code bench.entries} buyers join one room, offered at an even pace over
 *       {@code bench.seconds} with at most {@code bench.connections} requests in flight; the same
 *       number of orders are placed at one sale the same way, in the same run, as the baseline
 *       (the door's own order POST: the same checks and one {@code acks=all} send). Joins/s and
 *       orders/s are what was answered 202 per second of the burst; their ratio is the figure.
 *   <li><b>The admitter</b>: the room admits at {@code bench.rate} a minute with no cap on actives;
 *       for {@code bench.measure} seconds after its first admission the admissions are counted from
 *       the admissions topic's {@code EntryAdmitted.happenedAt}, per second and per minute, against
 *       the set rate.
 * </ol>
 *
 * <p>The door's rate limits are off (system property {@code spillway.ingest.rate-limit.enabled}): the
 * load comes from one address, which its per-address limit would otherwise stop at 2,000/s.
 *
 * <p>Limits: generator, services, broker and database share the machine's cores; the generator is
 * the JDK's HttpClient, whose own CPU is part of both figures (the ratio cancels much of it). The
 * notifier's stream lag of {@code admitted} events is not measured here (not on this branch).
 */
final class AdmissionBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Spillway spillway;
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    private AdmissionBenchmark(Spillway spillway) {
        this.spillway = spillway;
    }

    public static void main(String[] args) throws Exception {
        int entries = Integer.getInteger("bench.entries", 100_000);
        int seconds = Integer.getInteger("bench.seconds", 10);
        int connections = Integer.getInteger("bench.connections", 256);
        int rate = Integer.getInteger("bench.rate", 6_000);
        int measure = Integer.getInteger("bench.measure", 120);
        int warmup = Integer.getInteger("bench.warmup", 10_000);
        System.setProperty("spillway.ingest.rate-limit.enabled", "false");
        System.out.printf("admission benchmark: %d entries over %d s, %d in flight; rate %d/min measured %d s%n",
                entries, seconds, connections, rate, measure);
        try (Spillway spillway = new Spillway()) {
            AdmissionBenchmark bench = new AdmissionBenchmark(spillway);
            String warmSale = bench.sale(warmup);
            String warmRoom = bench.room(rate, true);
            // The JIT and the connections: a tenth of a burst of each, not counted.
            bench.burst("warm-up orders", warmup, Math.max(1, seconds * warmup / entries), connections,
                    i -> bench.order(warmSale, "warm-order-" + i));
            bench.awaitSoldOut(warmSale);
            bench.burst("warm-up joins", warmup, Math.max(1, seconds * warmup / entries), connections,
                    i -> bench.join(warmRoom, "warm-buyer-" + i));

            String sale = bench.sale(entries);
            Burst orders = bench.burst("orders (baseline)", entries, seconds, connections, i -> bench.order(sale, "buyer-" + i));
            bench.awaitSoldOut(sale);
            String room = bench.room(rate, false);
            Instant opened = Instant.now();
            Burst joins = bench.burst("joins", entries, seconds, connections, i -> bench.join(room, "buyer-" + i));
            System.out.printf("joins/s over orders/s: %.2f%n", joins.perSecond() / orders.perSecond());

            List<Instant> admitted = bench.admissions(room, opened, measure);
            precision(admitted, rate, measure);
        }
        System.exit(0);
    }

    /** One burst: {@code count} requests offered evenly over {@code seconds}, at most {@code connections} in flight. */
    private Burst burst(String what, int count, int seconds, int connections, IntFunction<HttpRequest> request)
            throws Exception {
        Semaphore inFlight = new Semaphore(connections);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        long[] latencies = new long[count];
        List<CompletableFuture<?>> sent = new ArrayList<>(count);
        long interval = Duration.ofSeconds(seconds).toNanos() / count;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquireUninterruptibly();
            int index = i;
            long sentAt = System.nanoTime();
            sent.add(http.sendAsync(request.apply(i), HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                // From when it was due, not when it was sent: a generator held back by the cap counts the wait.
                latencies[index] = System.nanoTime() - Math.min(due, sentAt);
                statuses.computeIfAbsent(failure == null ? response.statusCode() : -1, s -> new AtomicInteger()).incrementAndGet();
                inFlight.release();
            }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).exceptionally(failure -> null).join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        int accepted = statuses.getOrDefault(202, new AtomicInteger()).get();
        Arrays.sort(latencies);
        Map<Integer, Integer> byStatus = new TreeMap<>();
        statuses.forEach((status, n) -> byStatus.put(status, n.get()));
        Burst burst = new Burst(accepted, elapsed);
        System.out.printf("%s: %d offered over %d s, %d accepted (202) in %.1f s: %.0f/s; latency p50 %.0f ms, p99 %.0f ms; statuses %s%n",
                what, count, seconds, accepted, elapsed, burst.perSecond(), latencies[count / 2] / 1e6,
                latencies[Math.min(count - 1, (int) Math.ceil(count * 0.99) - 1)] / 1e6, byStatus);
        return burst;
    }

    private record Burst(int accepted, double seconds) {

        double perSecond() {
            return accepted / seconds;
        }
    }

    /** Reads the room's admissions from the topic until {@code measure} s after the first; then closes the room. */
    private List<Instant> admissions(String room, Instant opened, int measure) throws Exception {
        String topic = AdmissionTopics.of(spillway.topics()).admissions();
        List<Instant> admitted = new ArrayList<>();
        Set<String> entries = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant first = null;
            Instant deadline = opened.plusSeconds(measure + 300);
            while (Instant.now().isBefore(deadline) && (first == null || Instant.now().isBefore(first.plusSeconds(measure + 5)))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    AdmissionEvent event = AdmissionJson.readEvent(record.value());
                    if (event instanceof EntryAdmitted admission && admission.roomId().value().equals(room)
                            && entries.add(admission.entryId().toString())) {
                        admitted.add(admission.happenedAt());
                        if (first == null) {
                            first = admission.happenedAt();
                        }
                    }
                }
            }
        }
        HttpResponse<String> closed = admin("/api/v1/rooms/" + room + "/close", null);
        System.out.printf("room closed (%d): %d admitted, the rest end CLOSED%n", closed.statusCode(), admitted.size());
        admitted.sort(null);
        return admitted;
    }

    /** Admissions per whole second and per minute from the first, and in the fullest 60-s window, against the rate. */
    private static void precision(List<Instant> admitted, int rate, int measure) {
        if (admitted.isEmpty()) {
            System.out.println("no admission");
            return;
        }
        Instant first = admitted.getFirst();
        Instant end = first.plusSeconds(measure);
        List<Instant> measured = admitted.stream().filter(at -> at.isBefore(end)).toList();
        int[] perSecond = new int[measure];
        for (Instant at : measured) {
            perSecond[(int) Duration.between(first, at).getSeconds()]++;
        }
        // Second 0 holds the first step's tolerance (one second's worth at once): reported apart.
        int[] steady = Arrays.copyOfRange(perSecond, 1, measure);
        double mean = Arrays.stream(steady).average().orElse(0);
        double sd = Math.sqrt(Arrays.stream(steady).mapToDouble(n -> (n - mean) * (n - mean)).average().orElse(0));
        double target = rate / 60.0;
        System.out.printf("admissions per second (set %.1f): second 0 %d; then mean %.2f (%.2f%% of the rate), sd %.2f, min %d, max %d%n",
                target, perSecond[0], mean, 100 * mean / target, sd, Arrays.stream(steady).min().orElse(0),
                Arrays.stream(steady).max().orElse(0));
        List<Integer> minutes = new ArrayList<>();
        for (int m = 0; m + 60 <= measure; m += 60) {
            int from = m;
            minutes.add(Arrays.stream(perSecond, from, from + 60).sum());
        }
        int fullest = 0;
        int lo = 0;
        for (int hi = 0; hi < admitted.size(); hi++) {
            while (!admitted.get(lo).plusSeconds(60).isAfter(admitted.get(hi))) {
                lo++;
            }
            fullest = Math.max(fullest, hi - lo + 1);
        }
        double longRun = measured.size() > 1
                ? (measured.size() - 1) / (Duration.between(first, measured.getLast()).toNanos() / 1e9) * 60 : 0;
        System.out.printf("admissions per minute (set %d): whole minutes from the first %s; fullest 60-s window %d; "
                + "long-run %.1f/min over %d s (%d admissions)%n", rate, minutes, fullest, longRun, measure, measured.size());
    }

    private String sale(int stock) throws Exception {
        String saleId = "bench-sale-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = admin("/api/v1/sales", Map.of("saleId", saleId, "name", "Admission benchmark baseline",
                "opensAt", Instant.now().minusSeconds(1).toString(), "perCustomerLimit", 1,
                "items", List.of(Map.of("sku", "GA", "stock", stock))));
        if (created.statusCode() != 201) {
            throw new IllegalStateException(created.statusCode() + " " + created.body());
        }
        // An order above the per-customer limit: 422 unknown-sale until the door knows the sale, then another 422.
        awaitAnswer(() -> HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                .header("Content-Type", "application/json").header("X-Customer-Id", "probe")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"saleId\":\"" + saleId + "\",\"sku\":\"GA\",\"quantity\":2}"))
                .build(), answer -> !answer.body().contains("unknown-sale"));
        return saleId;
    }

    /** A room open now, or (warm-up) one whose pre-queue takes entries and whose opening is a day away. */
    private String room(int rate, boolean warmUp) throws Exception {
        String roomId = "bench-room-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        Map<String, Object> room = new java.util.HashMap<>(Map.of("roomId", roomId, "name", "Admission benchmark",
                "opensAt", (warmUp ? now.plus(Duration.ofDays(1)) : now.minusSeconds(1)).toString(),
                "admitPerMinute", rate, "maxActive", 0,
                "sessionSeconds", 3_600, "checkoutUrl", "https://shop.example/checkout"));
        if (warmUp) {
            room.put("prequeueOpensAt", now.minusSeconds(1).toString());
            room.put("openingOrder", "FIFO");
        }
        HttpResponse<String> created = admin("/api/v1/rooms", room);
        if (created.statusCode() != 201) {
            throw new IllegalStateException(created.statusCode() + " " + created.body());
        }
        // The door learns of the room a moment after: 404 until then. The probe is one more entry.
        awaitAnswer(() -> join(roomId, "probe"), answer -> answer.statusCode() != 404);
        return roomId;
    }

    /** Until every order of the sale is decided: the processor's work must not spill into the next burst. */
    private void awaitSoldOut(String saleId) {
        await("the orders of " + saleId + " all decided").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    HttpResponse<String> sale = http.send(HttpRequest.newBuilder(
                                    URI.create(spillway.inventoryUrl() + "/api/v1/sales/" + saleId)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    return sale.statusCode() == 200
                            && JSON.readTree(sale.body()).get("items").get(0).get("available").asInt() == 0;
                });
    }

    private void awaitAnswer(Supplier<HttpRequest> request, Predicate<HttpResponse<String>> done) {
        await("the door learns of it").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> done.test(http.send(request.get(), HttpResponse.BodyHandlers.ofString())));
    }

    private HttpRequest order(String saleId, String customer) {
        return HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("X-Customer-Id", customer)
                .POST(HttpRequest.BodyPublishers.ofString("{\"saleId\":\"" + saleId + "\",\"sku\":\"GA\",\"quantity\":1}"))
                .build();
    }

    private HttpRequest join(String roomId, String customer) {
        return HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/rooms/" + roomId + "/entries"))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("X-Customer-Id", customer)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
    }

    private HttpResponse<String> admin(String path, Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(spillway.inventoryUrl() + path))
                        .header("Authorization", "Bearer " + Spillway.ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
