package io.spillway.processor.bench;

import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.processor.ProcessorApplication;
import io.spillway.testing.SharedInfrastructure;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A mass expiry in one hot line (docs/benchmarks/holds.md): one STOCK item, N holds of one unit from N
 * buyers, confirmed through the real path (records on {@code orders.requested}, decided by the
 * processor); their deadlines then aligned to one second by one {@code UPDATE} of
 * {@code hold_expires_at}, which forges only the timing. New orders for the same item are kept as a
 * standing backlog (at least {@code bench.holds.backlog} undecided records) from before the deadline
 * until every hold has ended, so the line is saturated throughout. All figures come from PostgreSQL:
 *
 * <ul>
 *   <li>releases/s: N over the span from the first to the last {@code ended_at};
 *   <li>lateness p50/p99: {@code ended_at - hold_expires_at} (target p99 &le; 5 s);
 *   <li>the backlog's decisions/s between the first and the last {@code ended_at}, divided by its
 *       decisions/s in the {@code bench.holds.before.seconds} before the earliest deadline (target
 *       &ge; 0.8).
 * </ul>
 *
 * <p>The backlog has stock for every order, so it is confirmations (held) in both windows: the same
 * work before and during the expiry. {@code -Dbench.holds.sizes=10000,100000}, {@code -Dbench.runs=3};
 * {@code -Dbench.sample=true} samples the listener thread's stack every 10 ms during the expiry and
 * prints the most frequent frames (with platform listener threads, which the sampler can see). Broker (in this JVM unless {@code SPILLWAY_TEST_KAFKA} is set),
 * PostgreSQL, the processor and the load generator share the machine. Run with
 * {@code order-processor/bench/run.sh -Dbench.scenario=holds}.
 */
public final class HoldsBenchmark {

    private static final List<Integer> SIZES = Arrays.stream(System.getProperty("bench.holds.sizes", "10000,100000")
                    .split(","))
            .map(String::trim)
            .map(Integer::parseInt)
            .toList();
    private static final int RUNS = Integer.getInteger("bench.runs", 3);
    private static final int BACKLOG = Integer.getInteger("bench.holds.backlog", 20_000);
    private static final int BEFORE_SECONDS = Integer.getInteger("bench.holds.before.seconds", 10);
    private static final boolean SAMPLE = Boolean.getBoolean("bench.sample");

    private HoldsBenchmark() {}

    public static void main(String[] args) {
        try {
            run();
            System.exit(0);
        } catch (Throwable failure) {
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private record Figures(int holds, double releasesPerSecond, double p50, double p99, double max, double before,
            double during, double expirySeconds) {
        double ratio() {
            return during / before;
        }
    }

    private static void run() throws Exception {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        System.out.printf(Locale.ROOT, "holds benchmark: sizes=%s runs=%d backlog>=%d before=%ds cores=%d%n", SIZES,
                RUNS, BACKLOG, BEFORE_SECONDS, Runtime.getRuntime().availableProcessors());
        Map<Integer, List<Figures>> all = new HashMap<>();
        for (int holds : SIZES) {
            for (int run = 1; run <= RUNS; run++) {
                System.out.printf(Locale.ROOT, "%n== %,d holds, run %d%n", holds, run);
                all.computeIfAbsent(holds, n -> new ArrayList<>()).add(measure(bootstrap, holds));
            }
        }
        System.out.println();
        System.out.println("==================== SUMMARY (issue 16 targets)");
        for (int holds : SIZES) {
            for (Figures f : all.get(holds)) {
                System.out.printf(Locale.ROOT, "  N=%,7d  releases %,7.0f/s over %5.1f s  lateness p50 %5.2f s p99 %5.2f s"
                                + " max %5.2f s [p99 <= 5 s: %s]  new orders %,6.0f/s during / %,6.0f/s before = %.2f"
                                + " [>= 0.8: %s]%n", f.holds(), f.releasesPerSecond(), f.expirySeconds(), f.p50(), f.p99(),
                        f.max(), f.p99() <= 5 ? "PASS" : "FAIL", f.during(), f.before(), f.ratio(),
                        f.ratio() >= 0.8 ? "PASS" : "FAIL");
            }
        }
        System.out.println("(2-core machine shared by the broker, PostgreSQL, the processor and the load generator)");
    }

    private static Figures measure(String bootstrap, int holds) throws Exception {
        SharedInfrastructure.TestDatabase database = SharedInfrastructure.newDatabase();
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        Topics topics = SharedInfrastructure.createdOrderTopics();
        String sale = "holds-" + holds;
        try (Connection db = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement sql = db.createStatement()) {
            // Stock for every holder and every backlog order: the backlog is confirmed in both windows.
            sql.execute("INSERT INTO sales (sale_id, name, opens_at, per_customer_limit, hold_seconds) VALUES ('" + sale
                    + "', 'bench', now() - interval '1 hour', 1, 600)");
            sql.execute("INSERT INTO items (sale_id, sku, kind, total, available) VALUES ('" + sale
                    + "', 'HOT', 'STOCK', 100000000, 100000000)");
            try (ConfigurableApplicationContext processor = processor(bootstrap, database, topics);
                    KafkaProducer<String, OrderRequested> producer = producer(bootstrap)) {
                long start = System.nanoTime();
                List<Future<?>> acks = new ArrayList<>();
                for (int i = 0; i < holds; i++) {
                    acks.add(producer.send(record(topics, sale, "holder-" + i)));
                    if (acks.size() == 5_000 || i == holds - 1) {
                        for (Future<?> ack : acks) {
                            ack.get();
                        }
                        acks.clear();
                    }
                }
                awaitCount(sql, "SELECT count(*) FROM orders WHERE status = 'CONFIRMED'", holds, Duration.ofMinutes(10));
                System.out.printf(Locale.ROOT, "  %,d holds confirmed through the processor in %.1f s%n", holds,
                        (System.nanoTime() - start) / 1e9);

                Backlog backlog = new Backlog(producer, topics, sale, bootstrap, processor.getEnvironment()
                        .getProperty("spring.kafka.consumer.group-id"));
                backlog.start();
                // The backlog first saturates the line; then the deadlines, aligned to one second.
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));
                Instant deadline = query(sql, "SELECT date_trunc('second', now()) + interval '"
                        + (BEFORE_SECONDS + 2) + " seconds'").getTimestamp(1).toInstant();
                int forged = sql.executeUpdate("UPDATE orders SET hold_expires_at = '" + deadline
                        + "'::timestamptz + random() * interval '999 milliseconds' WHERE customer_id LIKE 'holder-%'");
                System.out.printf(Locale.ROOT, "  %,d deadlines forged into [%s, +1 s)%n", forged, deadline);
                Sampler sampler = null;
                if (SAMPLE) {
                    // From the earliest deadline on: the expiry, not the quiet seconds before it.
                    LockSupport.parkNanos(Math.max(0, Duration.between(Instant.now(), deadline).toNanos()));
                    sampler = new Sampler();
                }
                awaitCount(sql, "SELECT count(*) FROM orders WHERE status = 'EXPIRED'", holds, Duration.ofMinutes(10));
                if (sampler != null) {
                    sampler.close();
                }
                backlog.close();
                System.out.printf(Locale.ROOT, "  backlog: %,d orders sent, never fewer than %,d undecided once it stood"
                        + " (%s)%n", backlog.sent.get(), backlog.lowest.get(),
                        backlog.lowest.get() >= BACKLOG / 2 ? "saturated" : "NOT SATURATED: the figures do not count");
                return figures(sql, holds, deadline);
            }
        }
    }

    private static Figures figures(Statement sql, int holds, Instant deadline) throws Exception {
        ResultSet ends = query(sql, """
                SELECT extract(epoch FROM min(ended_at)), extract(epoch FROM max(ended_at)),
                       percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - hold_expires_at)),
                       max(extract(epoch FROM ended_at - hold_expires_at))
                  FROM orders WHERE status = 'EXPIRED'""");
        double first = ends.getDouble(1);
        double last = ends.getDouble(2);
        Double[] lateness = (Double[]) ends.getArray(3).getArray();
        double max = ends.getDouble(4);
        double from = deadline.getEpochSecond() - BEFORE_SECONDS;
        double before = count(sql, "customer_id LIKE 'new-%' AND decided_at >= to_timestamp(" + from
                + ") AND decided_at < to_timestamp(" + deadline.getEpochSecond() + ")") / (double) BEFORE_SECONDS;
        double during = count(sql, "customer_id LIKE 'new-%' AND decided_at >= to_timestamp(" + first
                + ") AND decided_at <= to_timestamp(" + last + ")") / (last - first);
        Figures figures = new Figures(holds, holds / (last - first), lateness[0], lateness[1], max, before, during,
                last - first);
        System.out.printf(Locale.ROOT, "  releases: %,.0f/s (%,d in %.2f s, first %.2f s after the earliest deadline)%n",
                figures.releasesPerSecond(), holds, last - first, first - deadline.getEpochSecond());
        System.out.printf(Locale.ROOT, "  lateness (ended_at - hold_expires_at): p50 %.2f s, p99 %.2f s, max %.2f s%n",
                lateness[0], lateness[1], max);
        System.out.printf(Locale.ROOT, "  new orders decided: %,.0f/s before the deadline, %,.0f/s during the expiry:"
                + " ratio %.2f%n", before, during, figures.ratio());
        System.out.println("  new orders decided per second from 5 s before the deadline: " + perSecond(sql, deadline));
        return figures;
    }

    private static String perSecond(Statement sql, Instant deadline) throws Exception {
        StringBuilder line = new StringBuilder();
        try (ResultSet seconds = sql.executeQuery("SELECT floor(extract(epoch FROM decided_at)) - "
                + deadline.getEpochSecond() + ", count(*) FROM orders WHERE customer_id LIKE 'new-%' AND decided_at >="
                + " to_timestamp(" + (deadline.getEpochSecond() - 5) + ") GROUP BY 1 ORDER BY 1")) {
            while (seconds.next()) {
                line.append(String.format(Locale.ROOT, " %+d:%d", seconds.getLong(1), seconds.getLong(2)));
            }
        }
        return line.toString().trim();
    }

    private static long count(Statement sql, String where) throws Exception {
        return query(sql, "SELECT count(*) FROM orders WHERE " + where).getLong(1);
    }

    private static ResultSet query(Statement sql, String query) throws Exception {
        ResultSet rs = sql.executeQuery(query);
        rs.next();
        return rs;
    }

    private static void awaitCount(Statement sql, String query, int expected, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (query(sql, query).getLong(1) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached in " + patience + ": " + query + " = " + expected);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    /**
     * New orders for the hot item, topped up every 100 ms to keep at least {@link #BACKLOG} of them
     * undecided: a standing queue, so the line never waits for orders.
     */
    private static final class Backlog implements AutoCloseable {

        private final KafkaProducer<String, OrderRequested> producer;
        private final Topics topics;
        private final String sale;
        private final String bootstrap;
        private final String group;
        private final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sent = new AtomicLong();
        final AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
        private Thread thread;
        private volatile Exception failure;

        Backlog(KafkaProducer<String, OrderRequested> producer, Topics topics, String sale, String bootstrap,
                String group) {
            this.producer = producer;
            this.topics = topics;
            this.sale = sale;
            this.bootstrap = bootstrap;
            this.group = group;
        }

        void start() {
            thread = Thread.ofPlatform().name("backlog").start(() -> {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                    boolean saturated = false;
                    while (running.get()) {
                        // The group's lag: records on orders.requested the processor has not committed.
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                        committed.keySet().forEach(p -> latest.put(p, OffsetSpec.latest()));
                        long undecided = 0;
                        for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
                            undecided += end.getValue().offset() - committed.get(end.getKey()).offset();
                        }
                        if (saturated) {
                            lowest.accumulateAndGet(undecided, Math::min);
                        }
                        if (undecided < 2L * BACKLOG) {
                            for (long i = undecided; i < 3L * BACKLOG; i++) {
                                producer.send(record(topics, sale, "new-" + sent.getAndIncrement()));
                            }
                            producer.flush();
                        }
                        saturated = saturated || undecided >= BACKLOG;
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                    }
                } catch (Exception e) {
                    failure = e;
                }
            });
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            thread.join();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * The listener thread's stack every 10 ms, in this JVM: the frames it is most often in. One thread's
     * stack is cheap to take, so the sampling itself costs the machine little.
     */
    private static final class Sampler implements AutoCloseable {

        private final Map<String, Integer> frames = new HashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private int samples;

        Sampler() {
            thread = Thread.ofPlatform().daemon().name("sampler").start(() -> {
                var threads = ManagementFactory.getThreadMXBean();
                long listener = Arrays.stream(threads.dumpAllThreads(false, false, 1))
                        .filter(info -> info.getThreadName().contains("-C-") && !info.getThreadName().contains("commands"))
                        .mapToLong(ThreadInfo::getThreadId)
                        .findFirst()
                        .orElse(-1);
                while (running.get() && listener >= 0) {
                    ThreadInfo info = threads.getThreadInfo(listener, 40);
                    if (info != null) {
                        samples++;
                        // Where in Spillway's code, and whether it waits for PostgreSQL or the broker.
                        StackTraceElement[] stack = info.getStackTrace();
                        String waiting = stack.length == 0 ? "" : stack[0].getClassName().startsWith("org.postgresql")
                                || Arrays.stream(stack).limit(12).anyMatch(f -> f.getClassName().startsWith("org.postgresql"))
                                ? " [PostgreSQL]" : "";
                        String top = Arrays.stream(stack)
                                .filter(f -> f.getClassName().startsWith("io.spillway"))
                                .filter(f -> !f.getClassName().contains("$$Lambda")
                                        && !f.getClassName().endsWith("StatementPipeline"))
                                .limit(2)
                                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "."
                                        + f.getMethodName())
                                .reduce((a, b) -> a + " < " + b)
                                .orElse(stack.length > 0 ? stack[0].getClassName() + "." + stack[0].getMethodName()
                                        : "?") + waiting;
                        frames.merge(top, 1, Integer::sum);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
            System.out.printf(Locale.ROOT, "  listener thread, %d samples during the expiry:%n", samples);
            frames.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(20)
                    .forEach(e -> System.out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100.0 * e.getValue() / samples,
                            e.getKey()));
        }
    }

    private static ProducerRecord<String, OrderRequested> record(Topics topics, String sale, String customer) {
        OrderRequested order = OrderRequested.of(new OrderId(UUID.randomUUID()), CustomerId.of(customer),
                SaleId.of(sale), Sku.of("HOT"), 1, List.of(), Instant.now());
        return new ProducerRecord<>(topics.requested(), order.itemKey().toString(), order);
    }

    private static ConfigurableApplicationContext processor(
            String bootstrap, SharedInfrastructure.TestDatabase database, Topics topics) {
        Map<String, String> settings = new java.util.TreeMap<>(Map.ofEntries(
                Map.entry("server.port", "0"),
                Map.entry("spring.kafka.bootstrap-servers", bootstrap),
                Map.entry("spring.datasource.url", database.jdbcUrl()),
                Map.entry("spring.datasource.username", database.username()),
                Map.entry("spring.datasource.password", database.password()),
                Map.entry("spillway.topics.requested", topics.requested()),
                Map.entry("spillway.topics.results", topics.results()),
                Map.entry("spillway.topics.dlq", topics.dlq()),
                Map.entry("spillway.topics.commands", topics.commands()),
                Map.entry("spillway.topics.holds", topics.holds()),
                Map.entry("spring.kafka.consumer.group-id", "bench-holds-" + UUID.randomUUID()),
                Map.entry("logging.level.root", "WARN")));
        if (SAMPLE) {
            // The sampler reads platform threads only: the listener must not run on a virtual one.
            settings.put("spring.threads.virtual.enabled", "false");
        }
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("bench.set."))
                .forEach(name -> settings.put(name.substring("bench.set.".length()), System.getProperty(name)));
        return new SpringApplicationBuilder(ProcessorApplication.class)
                .run(settings.entrySet().stream().map(s -> "--" + s.getKey() + "=" + s.getValue()).toArray(String[]::new));
    }

    private static KafkaProducer<String, OrderRequested> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, 5,
                        ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new StringSerializer(),
                EventSerde.requests());
    }
}
