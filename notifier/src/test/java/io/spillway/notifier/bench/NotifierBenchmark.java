package io.spillway.notifier.bench;

import static org.awaitility.Awaitility.await;

import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.testing.CpuTimes;
import io.spillway.testing.SharedInfrastructure;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.core.ConditionTimeoutException;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The notifier benchmark (docs/benchmarks/notifier.md). Starts one notifier as a separate process
 * (so that its heap and RSS are its own), against the shared test broker, and measures:
 * heap and RSS per idle event stream against the same process with no streams; delivery latency
 * from the decision record's timestamp to the event read by the client, with the streams open and
 * decisions flowing at a target rate; and the ETA given at enqueue against the actual wait while
 * a simulated processor drains a line at a steady rate. Run it with {@code notifier/bench/run.sh}.
 *
 * <p>Arguments (system properties): {@code streams} (10000), {@code rate} decisions/s (5000),
 * {@code seconds} of decisions (20), {@code drainRate} decisions/s of the simulated processor (50),
 * {@code warmupSeconds} of decisions at the same rate before the measured ones, not counted (0: the
 * measurement starts with the first decision, right after the heap readings' full collections).
 */
public final class NotifierBenchmark {

    private static final String SECRET = "bench-" + UUID.randomUUID();
    private static final int WARMUP_SECONDS = Integer.getInteger("warmupSeconds", 0);
    private static final OrderTokens TOKENS = new OrderTokens(SECRET);
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$", Pattern.MULTILINE);

    private final Topics topics = SharedInfrastructure.uniqueTopics();
    private final String group = "bench-processor-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newHttpClient();
    private KafkaProducer<String, OrderEvent> producer;
    private Admin admin;
    private Process notifier;
    private int port;
    private final List<String> summary = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        new NotifierBenchmark().run(
                Integer.getInteger("streams", 10_000), Integer.getInteger("rate", 5_000),
                Integer.getInteger("seconds", 20), Integer.getInteger("drainRate", 50));
        System.exit(0);
    }

    void run(int streams, int rate, int seconds, int drainRate) throws Exception {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.LINGER_MS_CONFIG, 2), new StringSerializer(), EventSerde.events());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        port = Integer.getInteger("port", 18181);
        try {
            startNotifier(bootstrap);
            idleStreamsAndLatency(streams, rate, seconds);
            if (drainRate > 0) {
                etaAccuracy(drainRate);
            }
            System.out.println();
            System.out.println("SUMMARY (machine load average at the end: " + loadAverage() + ")");
            summary.forEach(line -> System.out.println("  " + line));
        } finally {
            if (notifier != null) {
                notifier.destroy();
                notifier.waitFor(30, TimeUnit.SECONDS);
            }
            producer.close();
            admin.close();
        }
    }

    private void startNotifier(String bootstrap) throws Exception {
        Path state = Files.createTempDirectory("bench-notifier");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + System.getProperty("notifierHeap", "1g")));
        // The notifier on CPUs of its own, e.g. -DnotifierCpus=1 with the driver under `taskset -c 0`: what it
        // does with a core to itself, apart from the broker and the clients it shares the machine with here.
        String cpus = System.getProperty("notifierCpus", "").trim();
        if (!cpus.isEmpty()) {
            command.addAll(0, List.of("taskset", "-c", cpus));
        }
        // Extra JVM options of the notifier, e.g. -DnotifierJvmArgs=-XX:StartFlightRecording=filename=/tmp/n.jfr
        String jvm = System.getProperty("notifierJvmArgs", "").trim();
        if (!jvm.isEmpty()) {
            command.addAll(List.of(jvm.split("\\s+")));
        }
        command.addAll(List.of(
                "-cp", System.getProperty("notifierClasspath"),
                System.getProperty("notifierMain", "io.spillway.notifier.NotifierApplication"),
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--spillway.topics.requested=" + topics.requested(),
                "--spillway.topics.results=" + topics.results(),
                "--spillway.topics.dlq=" + topics.dlq(),
                "--spillway.order-token.secret=" + SECRET,
                "--spillway.notifier.application-id=bench-" + UUID.randomUUID(),
                "--spillway.notifier.state-dir=" + state,
                "--spillway.notifier.processor-group=" + group,
                "--logging.level.root=WARN"));
        // Extra notifier settings for a run, e.g. -DnotifierArgs="--server.x=1 --server.y=2".
        String extra = System.getProperty("notifierArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        notifier = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of(System.getProperty("notifierLog", "target/bench-notifier.log")).toFile()).start();
        // An IOException means the child process is still starting.
        await("the notifier to start (see target/bench-notifier.log)")
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> http.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health/readiness")).GET().build(),
                                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200
                        && queuedVisible());
    }

    /** The table is running once an order produced now becomes visible. */
    private boolean queuedVisible() throws Exception {
        OrderRequested probe = request("probe");
        producer.send(new ProducerRecord<>(topics.requested(), probe.itemKey().toString(), probe)).get();
        try {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250))
                    .until(() -> status(probe.orderId()).contains("\"saleId\":\"bench\""));
            return true;
        } catch (ConditionTimeoutException notYet) {
            return false;
        }
    }

    private void idleStreamsAndLatency(int streams, int rate, int seconds) throws Exception {
        // The orders the streams watch, queued and visible before anyone subscribes.
        List<OrderRequested> watched = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            OrderRequested order = request("watcher-" + i);
            watched.add(order);
            producer.send(new ProducerRecord<>(topics.requested(), order.itemKey().toString(), order));
        }
        producer.flush();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> status(watched.getLast().orderId()).contains("\"saleId\":\"bench\""));

        long[] base = memory();
        System.out.printf("baseline (0 streams): heap %.1f MiB, RSS %.1f MiB%n", base[0] / 1048576.0, base[1] / 1048576.0);

        Map<OrderId, Long> terminalAt = new ConcurrentHashMap<>();
        CountDownLatch opened = new CountDownLatch(streams);
        List<Socket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
        long openStart = System.nanoTime();
        for (OrderRequested order : watched) {
            Socket socket = new Socket("127.0.0.1", port);
            sockets.add(socket);
            Thread.ofVirtual().start(() -> read(socket, order.orderId(), opened, terminalAt));
        }
        if (!opened.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + (streams - opened.getCount()) + " streams opened");
        }
        System.out.printf("%d streams opened in %.1f s%n", streams, (System.nanoTime() - openStart) / 1e9);
        long[] open = memory();
        System.out.printf("with %d idle streams: heap %.1f MiB, RSS %.1f MiB%n", streams, open[0] / 1048576.0, open[1] / 1048576.0);
        double heapPerStream = (open[0] - base[0]) / (double) streams;
        System.out.printf("RESULT per idle stream: heap %.1f KiB, RSS %.1f KiB%n",
                heapPerStream / 1024.0, (open[1] - base[1]) / 1024.0 / streams);
        summary.add(String.format("heap per idle stream: %.0f B = %.1f KiB (heap with %d streams %.1f MiB against the baseline of the same"
                        + " process with 0 streams %.1f MiB: x%.2f); target <= 20 KB (20,000 B): %s",
                heapPerStream, heapPerStream / 1024.0, streams, open[0] / 1048576.0, base[0] / 1048576.0,
                open[0] / (double) base[0], base[0] <= 0 ? "NOT MEASURED (no heap metric read)" : heapPerStream <= 20_000 ? "PASS" : "FAIL"));
        summary.add(String.format("RSS per idle stream: %.1f KiB (RSS %.1f MiB against %.1f MiB with 0 streams: x%.2f); no target",
                (open[1] - base[1]) / 1024.0 / streams, open[1] / 1048576.0, base[1] / 1048576.0, open[1] / (double) base[1]));

        // Decisions at the target rate. First, if asked for, a warm-up that is not measured (the
        // notifier has just been through two full collections for the heap readings, and its
        // decision path has not run yet). Then the measured window, over which the watched orders'
        // decisions are spread evenly, so that they and the plain consumer beside them sample the
        // same seconds; the rest are for orders nobody watches.
        int warmup = rate * WARMUP_SECONDS;
        int total = rate * seconds;
        int watchedDecisions = Math.min(streams / 5, total / 10);
        int spacing = total / watchedDecisions;
        Map<OrderId, Long> decidedAt = new ConcurrentHashMap<>();
        long warmupStart = System.nanoTime();
        for (int i = 0; i < warmup; i++) {
            waitUntil(warmupStart + (long) (i * 1e9 / rate));
            confirm(request("warm-up-" + i));
        }
        KafkaFloor floor = new KafkaFloor(topics.results());
        // The driver's JVM also runs the broker (unless $SPILLWAY_TEST_KAFKA names one), the clients and the plain consumer.
        Map<String, Long> processes = Map.of("notifier", notifier.pid(), "driver", ProcessHandle.current().pid());
        CpuTimes.Reading cpuBefore = CpuTimes.Reading.now(processes);
        long start = System.nanoTime();
        int nextWatched = 0;
        for (int i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            waitUntil(due);
            OrderRequested order;
            if (i % spacing == 0 && nextWatched < watchedDecisions) {
                order = watched.get(nextWatched++);
            } else {
                order = request("unwatched-" + i);
            }
            decidedAt.put(order.orderId(), confirm(order));
        }
        producer.flush();
        double achieved = total / ((System.nanoTime() - start) / 1e9);
        String cpu = CpuTimes.between(cpuBefore, CpuTimes.Reading.now(processes));
        System.out.println("CPU over the measured window: " + cpu);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> terminalAt.size() >= watchedDecisions);
        } catch (ConditionTimeoutException partly) {
            // Report what arrived: the latencies below count only the delivered decisions.
        }
        long[] floorLatencies = floor.stop();
        long[] latencies = watched.subList(0, watchedDecisions).stream()
                .filter(o -> terminalAt.containsKey(o.orderId()))
                .mapToLong(o -> terminalAt.get(o.orderId()) - decidedAt.get(o.orderId()))
                .sorted().toArray();
        System.out.printf("decisions: %d at %.0f/s offered (target %d/s) after %d not measured (warm-up); %d of them for"
                        + " watched orders, one in %d, %d delivered%n",
                total, achieved, rate, warmup, watchedDecisions, spacing, latencies.length);
        System.out.printf("RESULT delivery latency (record timestamp -> event read by client): p50 %d ms, p99 %d ms, max %d ms%n",
                percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.length == 0 ? -1 : latencies[latencies.length - 1]);
        System.out.printf("BASELINE a plain consumer of %s in this driver (record timestamp -> polled), %d records: p50 %d ms, p99 %d ms%n",
                topics.results(), floorLatencies.length, percentile(floorLatencies, 0.5), percentile(floorLatencies, 0.99));
        long p99 = percentile(latencies, 0.99);
        summary.add(String.format("delivery as the client saw it (decision record timestamp -> event read by the client): p99 %d ms, p50 %d ms"
                        + " (%d of %d watched decisions delivered, %d streams open, %.0f decisions/s offered"
                        + " for %d s after a warm-up of %d s); baseline: a plain consumer of the results topic in the same"
                        + " window, p99 %d ms, p50 %d ms:"
                        + " x%.1f at p99; target p99 <= 200 ms at 5,000/s with 10,000 streams: %s",
                p99, percentile(latencies, 0.5), latencies.length, watchedDecisions, streams, achieved, seconds,
                WARMUP_SECONDS, percentile(floorLatencies, 0.99), percentile(floorLatencies, 0.5),
                p99 / (double) Math.max(1, percentile(floorLatencies, 0.99)),
                p99 >= 0 && p99 <= 200 && latencies.length == watchedDecisions && rate >= 5000 && streams >= 10_000 ? "PASS"
                        : p99 >= 0 && p99 <= 200 && latencies.length == watchedDecisions ? "PASS at this load (below the target's load)" : "FAIL"));
        summary.add("  CPU over the measured window: " + cpu);
        summary.add(String.format("  the notifier's own view (decision record timestamp -> event handed to the connection):"
                        + " %.0f delivered by the direct feed (p50 <= %.0f ms, p99 <= %.0f ms, histogram bucket bounds),"
                        + " %.0f by the order-status table (p50 <= %.0f ms, p99 <= %.0f ms)",
                metricValue("spillway_notifier_delivery_latency_seconds_count", "path=\"direct\""),
                bucketQuantile("spillway_notifier_delivery_latency_seconds", "path=\"direct\"", 0.5) * 1000,
                bucketQuantile("spillway_notifier_delivery_latency_seconds", "path=\"direct\"", 0.99) * 1000,
                metricValue("spillway_notifier_delivery_latency_seconds_count", "path=\"table\""),
                bucketQuantile("spillway_notifier_delivery_latency_seconds", "path=\"table\"", 0.5) * 1000,
                bucketQuantile("spillway_notifier_delivery_latency_seconds", "path=\"table\"", 0.99) * 1000));
        // How fast the order-status table (GET, late subscribers) works off the same decisions: the
        // time until the global store of this instance has all of them, from the first decision sent.
        String globalCount = "spillway_notifier_decision_hop_latency_seconds_count";
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> metricValue(globalCount, "hop=\"global\"") >= warmup + total);
            double tableSeconds = (System.nanoTime() - warmupStart) / 1e9;
            System.out.printf("RESULT order-status table: %d decisions in every store %.1f s after the first was sent"
                    + " = %.0f decisions/s (offered %.0f/s)%n", warmup + total, tableSeconds, (warmup + total) / tableSeconds,
                    achieved);
            summary.add(String.format("order-status table (GET, late subscribers): all %d decisions in the global store"
                    + " %.1f s after the first was sent = %.0f decisions/s against %.0f/s offered; no target",
                    warmup + total, tableSeconds, (warmup + total) / tableSeconds, achieved));
        } catch (ConditionTimeoutException slow) {
            summary.add(String.format("order-status table: only %.0f of %d decisions in the global store after 3 minutes",
                    metricValue(globalCount, "hop=\"global\""), warmup + total));
        }
        System.out.println("notifier's own hop latencies (decision record timestamp -> stage, seconds):");
        System.out.println("  " + metric("spillway_notifier_decision_hop_latency_seconds"));
        System.out.println("  " + metric("spillway_notifier_delivery_latency_seconds"));
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** Publishes the order's confirmation as the processor would; answers its record timestamp. */
    private long confirm(OrderRequested order) {
        long now = System.currentTimeMillis();
        producer.send(new ProducerRecord<>(topics.results(), null, now, order.orderId().toString(),
                OrderConfirmed.of(order, List.of(), Instant.ofEpochMilli(now))));
        return now;
    }

    private void etaAccuracy(int drainRate) throws Exception {
        // One line (partition 0): a backlog of 10 s of work, drained at a steady rate by "the processor"
        // (offset commits of its group), while new orders arrive at the same rate for 30 s.
        int backlog = drainRate * 10;
        long first = -1;
        for (int i = 0; i < backlog; i++) {
            OrderRequested order = request("backlog-" + i);
            long offset = producer.send(new ProducerRecord<>(topics.requested(), 0, order.itemKey().toString(), order)).get().offset();
            first = first < 0 ? offset : first;
        }
        long committed = first;
        commit(committed);
        Map<Long, long[]> given = new ConcurrentHashMap<>();
        List<Thread> askers = new ArrayList<>();
        long start = System.nanoTime();
        long arrivalsEnd = start + TimeUnit.SECONDS.toNanos(40);
        long warmUpEnd = start + TimeUnit.SECONDS.toNanos(10);
        long lastArrivalOffset = Long.MAX_VALUE;
        long tick = TimeUnit.MILLISECONDS.toNanos(100);
        double perTick = drainRate / 10.0;
        double carry = 0;
        for (long now = start; ; now += tick) {
            // Spins, unlike the decision loop: the simulated processor's commits must keep their
            // 100 ms beat for the drain to be steady, and this phase puts little load on the notifier.
            while (System.nanoTime() < now) {
                Thread.onSpinWait();
            }
            carry += perTick;
            committed += (long) carry;
            carry -= (long) carry;
            commit(committed);
            if (now < arrivalsEnd) {
                for (int i = 0; i < (int) perTick; i++) {
                    OrderRequested order = request("arrival");
                    long offset = producer.send(new ProducerRecord<>(topics.requested(), 0, order.itemKey().toString(), order)).get().offset();
                    if (now >= warmUpEnd) {
                        lastArrivalOffset = offset;
                        // What the buyer is told at enqueue: the first answer that has an ETA.
                        askers.add(Thread.ofVirtual().start(() -> askEta(order.orderId(), offset, given)));
                    }
                }
            } else if (committed > lastArrivalOffset) {
                break;
            }
            // Resolve: every order below the committed offset is decided now.
            long at = System.currentTimeMillis();
            for (Map.Entry<Long, long[]> entry : given.entrySet()) {
                if (entry.getKey() < committed && entry.getValue()[2] == 0) {
                    entry.getValue()[2] = at;
                }
            }
        }
        for (Thread asker : askers) {
            asker.join();
        }
        double[] errors = given.values().stream().filter(g -> g[2] != 0 && g[0] >= 0)
                .mapToDouble(g -> {
                    double actual = (g[2] - g[1]) / 1000.0;
                    return Math.abs(g[0] - actual) / Math.max(1.0, actual);
                }).sorted().toArray();
        System.out.printf("ETA: %d orders measured, drain %d/s, backlog %d%n", errors.length, drainRate, backlog);
        System.out.printf("RESULT ETA error at enqueue (|given - actual| / actual): median %.1f %%, p90 %.1f %%%n",
                100 * percentileOf(errors, 0.5), 100 * percentileOf(errors, 0.9));
        summary.add(String.format("ETA error at enqueue: median %.1f %%, p90 %.1f %% (%d orders, drain %d/s; the baseline is the actual wait"
                        + " measured in the same run); target median <= 10 %%: %s",
                100 * percentileOf(errors, 0.5), 100 * percentileOf(errors, 0.9), errors.length, drainRate,
                percentileOf(errors, 0.5) <= 0.10 ? "PASS" : "FAIL"));
        System.out.println("notifier's own spillway_notifier_eta_error_ratio: " + metric("spillway_notifier_eta_error_ratio{"));
    }

    private void askEta(OrderId orderId, long offset, Map<Long, long[]> given) {
        try {
            Pattern etaField = Pattern.compile("\"etaSeconds\":(\\d+)");
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
                Matcher eta = etaField.matcher(status(orderId));
                if (eta.find()) {
                    given.put(offset, new long[] {Long.parseLong(eta.group(1)), System.currentTimeMillis(), 0});
                    return true;
                }
                return false;
            });
        } catch (Exception e) {
            System.out.println("ETA not read for " + orderId + ": " + e);
        }
    }

    private void read(Socket socket, OrderId orderId, CountDownLatch opened, Map<OrderId, Long> terminalAt) {
        try {
            String request = "GET /api/v1/orders/" + orderId + "/events?token=" + TOKENS.tokenFor(orderId)
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            StringBuilder seen = new StringBuilder();
            boolean counted = false;
            for (int read; (read = in.read(buffer)) >= 0; ) {
                seen.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
                if (!counted && seen.indexOf("event:queued") >= 0) {
                    counted = true;
                    opened.countDown();
                }
                if (seen.indexOf("event:confirmed") >= 0) {
                    terminalAt.put(orderId, System.currentTimeMillis());
                    return;
                }
                if (seen.length() > 4096) {
                    seen.delete(0, seen.length() - 64);
                }
            }
        } catch (IOException closed) {
            // The benchmark closes the idle streams at the end.
        }
    }

    private long[] memory() throws Exception {
        long pid = notifier.pid();
        for (int i = 0; i < 2; i++) {
            new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
        String prometheus = get("/actuator/prometheus");
        long heap = 0;
        Matcher matcher = HEAP.matcher(prometheus);
        while (matcher.find()) {
            heap += (long) Double.parseDouble(matcher.group(1));
        }
        long rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024).findFirst().orElse(-1);
        return new long[] {heap, rss};
    }

    /** The upper bound of the histogram bucket that holds quantile {@code q} of {@code name}; NaN if empty. */
    private double bucketQuantile(String name, String label, double q) throws Exception {
        List<double[]> buckets = get("/actuator/prometheus").lines()
                .filter(line -> line.startsWith(name + "_bucket{") && line.contains(label))
                .map(line -> {
                    int le = line.indexOf("le=\"") + 4;
                    String bound = line.substring(le, line.indexOf('"', le));
                    return new double[] {bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound),
                            Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))};
                })
                .sorted(java.util.Comparator.comparingDouble(b -> b[0]))
                .toList();
        if (buckets.isEmpty() || buckets.getLast()[1] == 0) {
            return Double.NaN;
        }
        double wanted = q * buckets.getLast()[1];
        return buckets.stream().filter(b -> b[1] >= wanted).findFirst().orElseThrow()[0];
    }

    /** The value of the first sample of {@code name} whose labels contain {@code label}; NaN if none. */
    private double metricValue(String name, String label) throws Exception {
        return get("/actuator/prometheus").lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(Double.NaN);
    }

    private String metric(String prefix) throws Exception {
        return String.join("\n  ", get("/actuator/prometheus").lines()
                .filter(line -> line.startsWith(prefix) && (line.contains("quantile") || line.contains("_count") || line.contains("_max")))
                .toList());
    }

    private String status(OrderId orderId) throws Exception {
        return get("/api/v1/orders/" + orderId + "?token=" + TOKENS.tokenFor(orderId));
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void commit(long offset) throws Exception {
        admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topics.requested(), 0), new OffsetAndMetadata(offset)))
                .all().get();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static OrderRequested request(String customer) {
        CustomerId customerId = CustomerId.of(customer.length() > 60 ? customer.substring(0, 60) : customer);
        return OrderRequested.of(OrderId.derive(customerId, SaleId.of("bench"), UUID.randomUUID().toString()), customerId,
                SaleId.of("bench"), Sku.of("GA"), 1, List.of(), Instant.now());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * The floor the notifier cannot beat: how long a plain consumer in this process takes to see a
     * decision record (record timestamp to poll), measured alongside the notifier in the same run.
     */
    private static final class KafkaFloor {

        private final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile boolean running = true;
        private final Thread thread;

        KafkaFloor(String topic) throws InterruptedException {
            CountDownLatch assigned = new CountDownLatch(1);
            thread = Thread.ofPlatform().daemon().name("kafka-floor").start(() -> {
                try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(Map.of(
                        "bootstrap.servers", SharedInfrastructure.kafkaBootstrapServers(),
                        "group.id", "bench-floor-" + UUID.randomUUID(),
                        "auto.offset.reset", "latest"),
                        new org.apache.kafka.common.serialization.StringDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition())).toList();
                    consumer.assign(partitions);
                    consumer.seekToEnd(partitions);
                    partitions.forEach(consumer::position);
                    assigned.countDown();
                    while (running) {
                        for (var record : consumer.poll(Duration.ofMillis(100))) {
                            latencies.add(System.currentTimeMillis() - record.timestamp());
                        }
                    }
                }
            });
            assigned.await(30, TimeUnit.SECONDS);
        }

        long[] stop() throws InterruptedException {
            running = false;
            thread.join();
            synchronized (latencies) {
                return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }
    }

    /**
     * Sleeps, not spins, until {@code due} (System.nanoTime): on a 2-core machine a spinning driver
     * takes a whole core from the notifier and the broker it measures. Sends fall behind by at most
     * the sleep's granularity (well under a millisecond) and then catch up in a burst.
     */
    private static void waitUntil(long due) {
        for (long left; (left = due - System.nanoTime()) > 0; ) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? -1 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    private static double percentileOf(double[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }
}
