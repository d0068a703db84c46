package io.spillway.processor.bench;

import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.testing.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;

/**
 * Time to peak of a processor started cold into the opening's backlog (issue 21, "Fast from the first
 * second"; order-processor/bench/warmup.sh, docs/benchmarks/warmup-processor-inventory.md): what KEDA
 * does when {@code orders.requested} fills at the opening and it starts a processor pod.
 *
 * <p>Per mode: a database of its own with a published sale of {@code bench.items} items (stock for
 * every order, so each order takes the full write path), {@code bench.orders} orders already in fresh
 * {@code orders.requested} topics, then a <b>fresh processor JVM</b> (a child process on the
 * service's run-time class path, {@code bench.service.opts}) whose readiness probe is polled every
 * 100 ms. Decisions per second are counted afterwards from {@code orders.decided_at} (the processor's
 * clock at each poll's decision, on this machine) against the moment readiness said UP; the warm
 * reference is the mean of seconds {@code bench.warm.at}..+{@code bench.warm.seconds} of the same
 * process. If the backlog ran out before that window ended, the last {@code bench.warm.seconds} full
 * seconds before it ran out are the reference, and the output says so.
 *
 * <p>Before the modes, one uncounted drain by a processor JVM of its own warms the broker and
 * PostgreSQL (a pod joining a running stack meets warm servers).
 *
 * <p>Limits: a decision's time is its poll's (one instant for up to {@code max-poll-records} orders),
 * so a second's count is lumpy at the scale of a poll (100-400 ms); the processor consumes from the
 * moment its listeners start, which is before readiness says UP, so the decisions made before UP are
 * printed apart (readiness does not hold a Kafka consumer back: KEDA's pod takes its partitions when it
 * joins the group, ready or not).
 */
public final class WarmupBenchmark {

    private static final int ORDERS = Integer.getInteger("bench.orders", 1_500_000);
    private static final int ITEMS = Integer.getInteger("bench.items", 1_000);
    private static final int WARM_ORDERS = Integer.getInteger("bench.warm.broker.orders", 100_000);
    private static final int WARM_AT = Integer.getInteger("bench.warm.at", 60);
    private static final int WARM_SECONDS = Integer.getInteger("bench.warm.seconds", 15);
    private static final int COLD_SECONDS = Integer.getInteger("bench.cold.seconds", 30);
    private static final List<String> MODES = List.of(System.getProperty("bench.modes", "off").trim().split("\\s+"));
    private static final String SERVICE_OPTS = System.getProperty("bench.service.opts", "-Xms768m -Xmx768m -XX:+UseG1GC");
    private static final String SERVICE_CLASSPATH = System.getProperty("bench.service.classpath");
    private static final int PORT = Integer.getInteger("bench.port", 18383);
    private static final Path WORK = Path.of(System.getProperty("bench.work", System.getProperty("java.io.tmpdir")));

    private WarmupBenchmark() {}

    public static void main(String[] args) {
        try {
            run();
            System.exit(0);
        } catch (Throwable failure) {
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private record Figures(String mode, double load, double startup, double warm, String window, double to80,
            double first15, int beforeReady) {}

    private static void run() throws Exception {
        if (SERVICE_CLASSPATH == null) {
            throw new IllegalStateException("-Dbench.service.classpath is needed (warmup.sh sets it)");
        }
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        System.out.printf(Locale.ROOT, "orders=%d items=%d modes=%s service=%s cores=%d%n", ORDERS, ITEMS, MODES,
                SERVICE_OPTS, Runtime.getRuntime().availableProcessors());
        if (WARM_ORDERS > 0) {
            SharedInfrastructure.TestDatabase database = database();
            Topics topics = backlog(bootstrap, database, "warm-servers", WARM_ORDERS);
            long started = System.currentTimeMillis();
            Process processor = processor(bootstrap, database, topics, "off", "warm-servers");
            awaitDecided(database, "warm-servers", WARM_ORDERS, processor);
            stop(processor);
            System.out.printf(Locale.ROOT, "servers warmed: %d orders decided by a processor of their own in %.1f s%n",
                    WARM_ORDERS, (System.currentTimeMillis() - started) / 1000.0);
        }
        List<Figures> all = new ArrayList<>();
        for (String mode : MODES) {
            all.add(measure(bootstrap, mode));
        }
        System.out.println();
        System.out.println("== summary (load average now " + loadAverage() + ")");
        for (Figures f : all) {
            System.out.printf(Locale.ROOT, "RESULT mode=%s load=%.1f startup_s=%.1f warm_per_s=%.0f window=%s"
                            + " seconds_to_80pct=%.1f first15_share=%.0f%% first15_per_s=%.0f decided_before_ready=%d%n",
                    f.mode(), f.load(), f.startup(), f.warm(), f.window(), f.to80(), 100 * f.first15() / f.warm(),
                    f.first15(), f.beforeReady());
        }
    }

    private static Figures measure(String bootstrap, String mode) throws Exception {
        String sale = "warmup-" + mode + "-" + UUID.randomUUID().toString().substring(0, 8);
        SharedInfrastructure.TestDatabase database = database();
        Topics topics = backlog(bootstrap, database, sale, ORDERS);
        double load = loadAverage();
        System.out.println();
        System.out.printf(Locale.ROOT, "== %s: load average %.2f; %d orders waiting in %s%n", mode, load, ORDERS,
                topics.requested());
        long launched = System.currentTimeMillis();
        Process processor = processor(bootstrap, database, topics, mode, sale);
        long ready = awaitReady(processor);
        long until = ready + (WARM_AT + WARM_SECONDS + 1) * 1000L;
        // Until the window's end or the backlog's, whichever comes first.
        int decided = 0;
        while (System.currentTimeMillis() < until && decided < ORDERS) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            decided = count(database, sale);
            if (!processor.isAlive()) {
                throw new IllegalStateException("the processor exited: see " + log(sale));
            }
        }
        stop(processor);
        return figures(database, sale, mode, load, launched, ready, decided >= ORDERS);
    }

    /** Per-second decisions from the database, relative to readiness, and the figures from them. */
    private static Figures figures(SharedInfrastructure.TestDatabase database, String sale, String mode, double load,
            long launched, long ready, boolean drained) throws Exception {
        TreeMap<Long, Integer> perSecond = new TreeMap<>();
        int beforeReady = 0;
        long firstDecision = Long.MAX_VALUE;
        try (Connection connection = connect(database);
                PreparedStatement select = connection.prepareStatement(
                        "SELECT (extract(epoch FROM decided_at) * 1000)::bigint, count(*) FROM orders WHERE sale_id = ?"
                                + " GROUP BY 1")) {
            select.setString(1, sale);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long at = rows.getLong(1);
                    int n = rows.getInt(2);
                    firstDecision = Math.min(firstDecision, at);
                    if (at < ready) {
                        beforeReady += n;
                    } else {
                        perSecond.merge((at - ready) / 1000, n, Integer::sum);
                    }
                }
            }
        }
        long last = perSecond.isEmpty() ? 0 : perSecond.lastKey();
        // The second in which the backlog ran out is partial: it is not a rate.
        long fullSeconds = drained ? last : last + 1;
        long from = WARM_AT;
        long to = WARM_AT + WARM_SECONDS;
        String window = from + "-" + to;
        if (fullSeconds < to) {
            to = fullSeconds;
            from = Math.max(0, to - WARM_SECONDS);
            window = from + "-" + to + "(backlog ran out at " + last + " s)";
        }
        double warm = 0;
        for (long s = from; s < to; s++) {
            warm += perSecond.getOrDefault(s, 0);
        }
        warm /= (to - from);
        System.out.printf(Locale.ROOT, "start-up (launch to readiness UP): %.1f s; first decision %.1f s %s readiness;"
                        + " %d decided before readiness%n", (ready - launched) / 1000.0,
                Math.abs(firstDecision - ready) / 1000.0, firstDecision < ready ? "before" : "after", beforeReady);
        System.out.printf(Locale.ROOT, "%6s %9s %6s%n", "s", "decided", "warm");
        double to80 = -1;
        double first15 = 0;
        for (long s = 0; s < fullSeconds; s++) {
            int n = perSecond.getOrDefault(s, 0);
            if (s < COLD_SECONDS) {
                System.out.printf(Locale.ROOT, "%6d %9d %5.0f%%%n", s + 1, n, 100.0 * n / warm);
            }
            if (to80 < 0 && n >= 0.8 * warm) {
                to80 = s + 1;
            }
            if (s < 15) {
                first15 += n;
            }
        }
        System.out.printf(Locale.ROOT, "warm reference: %.0f decided/s (seconds %s of the same process)%n", warm, window);
        return new Figures(mode, load, (ready - launched) / 1000.0, warm, window, to80, first15 / 15, beforeReady);
    }

    private static SharedInfrastructure.TestDatabase database() {
        SharedInfrastructure.TestDatabase database = SharedInfrastructure.newDatabase();
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return database;
    }

    /** A published sale with stock for every order, and its orders waiting in new topics. */
    private static Topics backlog(String bootstrap, SharedInfrastructure.TestDatabase database, String sale, int orders)
            throws Exception {
        Topics topics = SharedInfrastructure.createdOrderTopics();
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            skus.add("I-" + i);
        }
        try (Connection connection = connect(database)) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO sales (sale_id, name, opens_at, per_customer_limit) VALUES (?, ?, ?, 1000)")) {
                insert.setString(1, sale);
                insert.setString(2, sale);
                insert.setTimestamp(3, Timestamp.from(Instant.now().minus(Duration.ofHours(1))));
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, ?, 'STOCK', ?, ?)")) {
                for (String sku : skus) {
                    insert.setString(1, sale);
                    insert.setString(2, sku);
                    insert.setInt(3, orders);
                    insert.setInt(4, orders);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        long started = System.nanoTime();
        try (KafkaProducer<String, OrderRequested> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, 5,
                        ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                        // As ProcessorBenchmark: the test broker, starved of CPU, answered idempotent
                        // retries with OutOfOrderSequence; one request in flight keeps the order.
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new StringSerializer(), EventSerde.requests())) {
            List<Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                OrderRequested order = OrderRequested.of(new OrderId(UUID.randomUUID()), CustomerId.of("c-" + i),
                        SaleId.of(sale), Sku.of(skus.get(i % skus.size())), 1, List.of(), Instant.now());
                acks.add(producer.send(new ProducerRecord<>(topics.requested(), order.itemKey().toString(), order)));
                // In chunks: a busy broker must not leave batches waiting until they expire.
                if (acks.size() == 20_000 || i == orders - 1) {
                    for (Future<?> ack : acks) {
                        ack.get();
                    }
                    acks.clear();
                }
            }
        }
        System.out.printf(Locale.ROOT, "backlog of %d orders for %s produced in %.1f s%n", orders, sale,
                (System.nanoTime() - started) / 1e9);
        return topics;
    }

    /** A fresh processor JVM, as a pod starts it, with the warm-up on or off. */
    private static Process processor(String bootstrap, SharedInfrastructure.TestDatabase database, Topics topics,
            String mode, String name) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(SERVICE_OPTS.trim().split("\\s+")));
        command.addAll(List.of("-cp", SERVICE_CLASSPATH, "io.spillway.processor.ProcessorApplication",
                "--server.port=" + PORT,
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--spring.datasource.url=" + database.jdbcUrl(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(),
                "--spillway.topics.requested=" + topics.requested(),
                "--spillway.topics.results=" + topics.results(),
                "--spillway.topics.dlq=" + topics.dlq(),
                "--spring.kafka.consumer.group-id=bench-" + UUID.randomUUID(),
                "--logging.level.root=WARN",
                "--logging.level.io.spillway.contract.spring.WarmupGate=INFO"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log(name).toFile());
        builder.environment().put("SPILLWAY_WARMUP_ENABLED", Boolean.toString(mode.equals("on")));
        return builder.start();
    }

    private static Path log(String name) {
        return WORK.resolve("processor-" + name + ".log");
    }

    /** Polls the readiness probe every 100 ms; answers the moment it said UP. */
    private static long awaitReady(Process processor) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!processor.isAlive()) {
                throw new IllegalStateException("the processor exited before readiness");
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return System.currentTimeMillis();
                }
            } catch (java.io.IOException notListening) {
                // not yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException("no readiness in 5 minutes");
    }

    private static void awaitDecided(SharedInfrastructure.TestDatabase database, String sale, int expected,
            Process processor) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (count(database, sale) >= expected) {
                return;
            }
            if (!processor.isAlive()) {
                throw new IllegalStateException("the processor exited: see " + log(sale));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        throw new IllegalStateException("not all " + expected + " orders of " + sale + " were decided in 10 minutes");
    }

    private static int count(SharedInfrastructure.TestDatabase database, String sale) throws Exception {
        try (Connection connection = connect(database);
                PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM orders WHERE sale_id = ?")) {
            count.setString(1, sale);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void stop(Process processor) throws Exception {
        processor.destroy();
        if (!processor.waitFor(60, TimeUnit.SECONDS)) {
            processor.destroyForcibly().waitFor();
        }
    }

    private static Connection connect(SharedInfrastructure.TestDatabase database) throws Exception {
        return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
    }

    private static double loadAverage() throws Exception {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }
}
