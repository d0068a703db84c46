package io.spillway.processor.bench;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.processor.ProcessorApplication;
import io.spillway.testing.CpuTimes;
import io.spillway.testing.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Decided orders per second of the processor, next to a baseline measured in the same run on the same
 * database: one conditional single-row {@code UPDATE} per transaction, from one connection.
 *
 * <p>Everything is measured twice, each time with its own baseline: on the test PostgreSQL of the local
 * stack (which runs with {@code fsync=off} and {@code synchronous_commit=off}, so a commit is nearly
 * free) and on a durable PostgreSQL started here ({@code fsync=on}, {@code synchronous_commit=on}, as in
 * production). {@code -Dbench.fast=false} or {@code -Dbench.durable=false} skips one.
 *
 * <p>Phases per database: (0) the baseline for {@code bench.baseline.seconds}; (a) {@code bench.orders}
 * orders of one hot item pre-loaded into {@code orders.requested}, then the processor started and the
 * drain timed; (b) the same number over 1,000 items, so over all partitions; (c) orders produced at a
 * constant rate below saturation ({@code bench.rate}/s, by default a quarter and then half of what
 * (b) reached, for {@code bench.rate.seconds} each), with the enqueue-to-decision latency read from PostgreSQL
 * ({@code decided_at - requested_at}). A summary at the end gives every figure, its baseline, the
 * ratio and pass/fail against the targets, and the throughput of one processor process (one
 * replica).
 *
 * <p>Throughput is decided orders divided by the span between the first and the last
 * {@code decided_at}, so the processor's start-up is not counted; every decision is also published
 * and acknowledged by the broker before its batch counts as done. After each drain the processor's
 * own meters give the wall-clock profile of a poll (read, decide, publish). Broker (in this JVM unless
 * {@code SPILLWAY_TEST_KAFKA} is set), PostgreSQL (child processes) and the processor share the
 * machine. {@code -Dbench.set.<property>=<value>} passes any setting to the processor. Run with
 * {@code order-processor/bench/run.sh}.
 */
public final class ProcessorBenchmark {

    private static final int ORDERS = Integer.getInteger("bench.orders", 50_000);
    /** Orders drained once, not counted, before the first measurement: the JIT's warm-up. */
    private static final int WARMUP_ORDERS = Integer.getInteger("bench.warmup.orders", 100_000);
    private static final int BASELINE_SECONDS = Integer.getInteger("bench.baseline.seconds", 10);
    private static final Integer RATE_SETTING = Integer.getInteger("bench.rate");
    private static final int RATE_SECONDS = Integer.getInteger("bench.rate.seconds", 10);
    /**
     * Seconds of the same constant rate before the measured ones, not counted: each paced run starts a
     * new processor, whose own classes (proxies, lambdas) the JIT has not compiled yet. A processor on
     * sale day has been running for a while.
     */
    private static final int RATE_WARMUP_SECONDS = Integer.getInteger("bench.rate.warmup.seconds", 20);
    private static final String MAX_POLL = System.getProperty("bench.max-poll-records", "2000");
    /**
     * Consumers per processor; unset, the processor's own default (application.yml), i.e. what ships.
     * On these two cores, with the broker and PostgreSQL beside it, one consumer decided the spread
     * drain faster and with a shorter tail than four (docs/benchmarks/processor.md, 2026-12-02 evening).
     */
    private static final String CONCURRENCY_SETTING = System.getProperty("bench.concurrency");
    /** The concurrency the processors of this run used, as their environment resolved it. */
    private static volatile String concurrency = CONCURRENCY_SETTING;
    /** The share of orders whose trace is sampled at the door. */
    private static final double SAMPLED = Double.parseDouble(System.getProperty("bench.trace.sampled", "0.1"));

    private ProcessorBenchmark() {}

    public static void main(String[] args) {
        // The broker and PostgreSQL started here keep the JVM alive: end it whatever happened.
        try {
            run();
            System.exit(0);
        } catch (Throwable failure) {
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        System.out.printf(Locale.ROOT, "orders=%d max-poll-records=%s concurrency=%s cores=%d overrides=%s%n", ORDERS,
                MAX_POLL, CONCURRENCY_SETTING == null ? "as shipped" : CONCURRENCY_SETTING,
                Runtime.getRuntime().availableProcessors(), overrides());
        List<Figures> runs = new ArrayList<>();
        warmUp(bootstrap);
        if (Boolean.parseBoolean(System.getProperty("bench.fast", "true"))) {
            SharedInfrastructure.TestDatabase database = SharedInfrastructure.newDatabase();
            migrate(database);
            runs.add(measure("test PostgreSQL (" + durability(database) + ")", bootstrap, database));
        }
        if (Boolean.parseBoolean(System.getProperty("bench.durable", "true"))) {
            // Production durability: every commit waits for its WAL flush. The local stack's PostgreSQL
            // runs without (fsync=off, synchronous_commit=off), which makes a commit nearly free.
            try (EmbeddedPostgres durable = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start()) {
                try (Connection connection = durable.getPostgresDatabase().getConnection();
                        Statement statement = connection.createStatement()) {
                    statement.execute("CREATE DATABASE bench");
                }
                SharedInfrastructure.TestDatabase database = new SharedInfrastructure.TestDatabase(
                        durable.getJdbcUrl("postgres", "bench"), "postgres", "");
                migrate(database);
                runs.add(measure("durable PostgreSQL (" + durability(database) + ")", bootstrap, database));
            }
        }
        summary(runs);
    }

    /**
     * One hot-item and one spread drain that are not counted, so that the first measured drain does not
     * pay for class loading and compilation (it ran at a third of the same drain measured later). Twice
     * 20,000 orders were not enough: the first database's drains then cost the JVM 63-82 us per order
     * against 35-42 us for the second's (docs/benchmarks/processor.md). Runs before either database is
     * measured, into a database of its own: its orders would otherwise make the measured database's
     * tables and indexes larger than the other one's, which starts empty.
     */
    private static void warmUp(String bootstrap) throws Exception {
        if (WARMUP_ORDERS <= 0) {
            return;
        }
        SharedInfrastructure.TestDatabase database = SharedInfrastructure.newDatabase();
        migrate(database);
        Result hot = drain(bootstrap, database, "warmup-hot", 1, WARMUP_ORDERS);
        Result spread = drain(bootstrap, database, "warmup-spread", 1_000, WARMUP_ORDERS);
        System.out.printf(Locale.ROOT, "warm-up, not counted: %.0f orders/s hot, %.0f orders/s spread (%d orders each)%n",
                hot.perSecond(), spread.perSecond(), WARMUP_ORDERS);
    }

    private record Figures(String database, double baseline, Result hot, Result spread, List<Latency> latencies) {}

    private record Latency(int rate, double p50, double p99, double max) {}

    private static Figures measure(String name, String bootstrap, SharedInfrastructure.TestDatabase database)
            throws Exception {
        System.out.println();
        System.out.println("== " + name);
        double baseline = baseline(database);
        System.out.printf(Locale.ROOT, "baseline: one conditional UPDATE per transaction: %.0f updates/s%n", baseline);

        Result hot = drain(bootstrap, database, "hot", 1, ORDERS);
        System.out.printf(Locale.ROOT, "(a) one hot item:  %.0f decided orders/s = %.1fx baseline (%d orders in %.2f s)%n",
                hot.perSecond(), hot.perSecond() / baseline, hot.orders(), hot.seconds());

        Result spread = drain(bootstrap, database, "spread", 1_000, ORDERS);
        System.out.printf(Locale.ROOT, "(b) 1,000 items:   %.0f decided orders/s = %.1fx baseline (%d orders in %.2f s)%n",
                spread.perSecond(), spread.perSecond() / baseline, spread.orders(), spread.seconds());

        storage(database);

        // Below saturation: a quarter and half of what the spread drain reached, unless told otherwise.
        List<Latency> latencies = new ArrayList<>();
        if (RATE_SETTING != null) {
            latencies.add(latency(bootstrap, database, RATE_SETTING));
        } else {
            for (double share : new double[] {0.25, 0.5}) {
                latencies.add(latency(bootstrap, database, (int) Math.max(100, Math.round(spread.perSecond() * share))));
            }
        }
        return new Figures(name, baseline, hot, spread, latencies);
    }

    private static void summary(List<Figures> runs) {
        System.out.println();
        System.out.println("==================== SUMMARY (issue 4 targets; ratios against the same run's baseline)");
        for (Figures run : runs) {
            System.out.println("-- " + run.database());
            System.out.printf(Locale.ROOT, "  baseline (one conditional UPDATE per transaction): %,.0f updates/s%n",
                    run.baseline());
            double hot = run.hot().perSecond();
            System.out.printf(Locale.ROOT, "  (a) hot item     %,8.0f orders/s = %5.1fx baseline   target >= 20,000/s and >= 5x: %s%n",
                    hot, hot / run.baseline(), verdict(hot >= 20_000 && hot >= 5 * run.baseline()));
            double spread = run.spread().perSecond();
            System.out.printf(Locale.ROOT, "  (b) 1,000 items  %,8.0f orders/s = %5.1fx baseline   target >= 20,000/s:         %s%n",
                    spread, spread / run.baseline(), verdict(spread >= 20_000));
            for (Latency latency : run.latencies()) {
                System.out.printf(Locale.ROOT, "  (c) at %,6d/s (%2.0f%% of b): enqueue-to-decision p50 %4.0f ms, p99 %5.0f ms, max %5.0f ms   target p99 <= 250 ms: %s%n",
                        latency.rate(), 100.0 * latency.rate() / spread, latency.p50(), latency.p99(), latency.max(),
                        verdict(latency.p99() <= 250));
            }
            System.out.printf(Locale.ROOT, "  CPU per decided order: (a) %s%n                         (b) %s%n",
                    run.hot().cpu(), run.spread().cpu());
            System.out.printf(Locale.ROOT, "  per replica (one processor process, concurrency %s): %,.0f orders/s spread over many items,"
                    + " %,.0f orders/s for one hot item%n", concurrency, spread, hot);
        }
        System.out.println("(2-core machine shared by the broker, PostgreSQL, the processor and the load generator)");
    }

    private static String verdict(boolean pass) {
        return pass ? "PASS" : "FAIL";
    }

    private static void migrate(SharedInfrastructure.TestDatabase database) {
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    private static String durability(SharedInfrastructure.TestDatabase database) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet settings = statement.executeQuery(
                        "SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
            settings.next();
            return "fsync=" + settings.getString(1) + ", synchronous_commit=" + settings.getString(2);
        }
    }

    /** {@code -Dbench.set.<property>=<value>}: any processor setting, for tuning runs. */
    private static Map<String, String> overrides() {
        Map<String, String> overrides = new java.util.TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("bench.set."))
                .forEach(name -> overrides.put(name.substring("bench.set.".length()), System.getProperty(name)));
        return overrides;
    }

    private static double baseline(SharedInfrastructure.TestDatabase database) throws Exception {
        try (Connection connection =
                DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password())) {
            createSale(connection, "baseline", List.of("ROW"), Integer.MAX_VALUE / 2);
            connection.setAutoCommit(true);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE items SET available = available - 1, version = version + 1"
                            + " WHERE sale_id = 'baseline' AND sku = 'ROW' AND available >= 1")) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(BASELINE_SECONDS);
                long start = System.nanoTime();
                long done = 0;
                while (System.nanoTime() < end) {
                    if (update.executeUpdate() != 1) {
                        throw new IllegalStateException("the baseline row ran out");
                    }
                    done++;
                }
                return done / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** The WAL's current write position in bytes. */
    private static long walPosition(SharedInfrastructure.TestDatabase database) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Table and index bytes per row of the tables that grow with orders, for capacity planning. */
    private static void storage(SharedInfrastructure.TestDatabase database) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement()) {
            for (String table : List.of("orders", "customer_holdings")) {
                try (ResultSet row = statement.executeQuery("SELECT pg_total_relation_size('" + table + "'), count(*) FROM " + table)) {
                    row.next();
                    System.out.printf(Locale.ROOT, "  storage: %s %.0f bytes per row with its indexes (%d rows)%n",
                            table, (double) row.getLong(1) / row.getLong(2), row.getLong(2));
                }
            }
            // A HOT update writes no index entry; the statistics reach the view within a second or so.
            try (ResultSet row = statement.executeQuery(
                    "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'items'")) {
                row.next();
                System.out.printf(Locale.ROOT, "  storage: items updated %d times, %d of them HOT (no index entry)%n",
                        row.getLong(1), row.getLong(2));
            }
        }
    }

    /**
     * A drain: how many orders, over how long, and the CPU the machine spent on them (µs of CPU per
     * decided order, all processes, and the part of it this JVM spent: processor, broker, driver).
     */
    private record Result(int orders, double seconds, double machineCpuMicros, double jvmCpuMicros, double steal) {
        double perSecond() {
            return orders / seconds;
        }

        String cpu() {
            return String.format(Locale.ROOT, "CPU %.0f us per decided order (this JVM: processor and broker %.0f us;"
                    + " other processes, mostly PostgreSQL, %.0f us; %.0f%% of the machine's time stolen)",
                    machineCpuMicros, jvmCpuMicros, machineCpuMicros - jvmCpuMicros, steal * 100);
        }
    }

    /**
     * The machine's busy CPU time (all processes, from {@code /proc/stat}) and this JVM's, sampled every
     * 50 ms, so that the CPU spent between two instants (the first and the last decision of a drain,
     * without the processor's start-up) can be read off afterwards. Steal is counted apart: it is time
     * the hypervisor gave to someone else.
     */
    private static final class CpuSampler implements AutoCloseable {

        private record Sample(long epochMicros, CpuTimes.Reading cpu) {}

        private static final Map<String, Long> THIS_JVM = Map.of("jvm", ProcessHandle.current().pid());

        private final List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;
        private volatile boolean running = true;

        CpuSampler() {
            sample();
            thread = Thread.ofPlatform().daemon().name("cpu-sampler").start(() -> {
                while (running) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    sample();
                }
            });
        }

        private void sample() {
            Instant now = Instant.now();
            samples.add(new Sample(now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000,
                    CpuTimes.Reading.now(THIS_JVM)));
        }

        /** CPU per order between two instants: machine µs, JVM µs, steal share. */
        double[] between(double fromEpochSeconds, double toEpochSeconds, int orders) {
            CpuTimes.Reading from = at((long) (fromEpochSeconds * 1e6)).cpu();
            CpuTimes.Reading to = at((long) (toEpochSeconds * 1e6)).cpu();
            return new double[] {CpuTimes.busySeconds(from, to) * 1e6 / orders,
                    CpuTimes.processSeconds(from, to, "jvm") * 1e6 / orders, CpuTimes.stealShare(from, to)};
        }

        /** The last sample at or before the instant (the first one if none is). */
        private Sample at(long epochMicros) {
            synchronized (samples) {
                Sample found = samples.getFirst();
                for (Sample sample : samples) {
                    if (sample.epochMicros() <= epochMicros) {
                        found = sample;
                    }
                }
                return found;
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    /** Pre-loads the orders, starts a processor, waits until all are decided, times the drain. */
    private static Result drain(String bootstrap, SharedInfrastructure.TestDatabase database, String sale, int items,
            int orders)
            throws Exception {
        Topics topics = SharedInfrastructure.createdOrderTopics();
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            skus.add(items == 1 ? "HOT" : "I-" + i);
        }
        try (Connection connection =
                DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password())) {
            // Stock for every order: the full write path (item, holdings, order row) for each.
            createSale(connection, sale, skus, orders);
        }
        try (KafkaProducer<String, OrderRequested> producer = producer(bootstrap)) {
            // In chunks: a shared, busy broker must not leave batches waiting until they expire.
            List<Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                OrderRequested order = order(sale, skus.get(i % skus.size()), i);
                acks.add(producer.send(fromTheDoor(topics, order)));
                if (acks.size() == 5_000 || i == orders - 1) {
                    for (Future<?> ack : acks) {
                        ack.get();
                    }
                    acks.clear();
                }
            }
        }
        long walBefore = walPosition(database);
        CpuSampler cpu = new CpuSampler();
        try (cpu; ConfigurableApplicationContext processor = processor(bootstrap, database, topics)) {
            awaitDecided(database, sale, orders);
            stages(processor);
        }
        // For capacity planning (docs/operations.md): what deciding one order writes to PostgreSQL's WAL.
        System.out.printf(Locale.ROOT, "  WAL written while draining %s: %.0f bytes per decided order%n",
                sale, (double) (walPosition(database) - walBefore) / orders);
        try (Connection connection =
                        DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet span = statement.executeQuery(
                        "SELECT count(*), extract(epoch FROM min(decided_at)), extract(epoch FROM max(decided_at))"
                                + " FROM orders WHERE sale_id = '" + sale + "'")) {
            span.next();
            int decided = span.getInt(1);
            double[] perOrder = cpu.between(span.getDouble(2), span.getDouble(3), decided);
            Result result = new Result(decided, span.getDouble(3) - span.getDouble(2), perOrder[0], perOrder[1], perOrder[2]);
            System.out.println("  " + result.cpu());
            return result;
        }
    }

    /**
     * The order's record as ingest-api sends it: keyed by item, with the {@code traceparent} of the
     * request's trace, sampled at {@link #SAMPLED} (Spring Boot's default
     * {@code management.tracing.sampling.probability}, and production's).
     */
    private static ProducerRecord<String, OrderRequested> fromTheDoor(Topics topics, OrderRequested order) {
        ProducerRecord<String, OrderRequested> record =
                new ProducerRecord<>(topics.requested(), order.itemKey().toString(), order);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String traceparent = String.format(Locale.ROOT, "00-%016x%016x-%016x-%s", random.nextLong(),
                random.nextLong(), random.nextLong(), random.nextDouble() < SAMPLED ? "01" : "00");
        record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** Orders at a constant rate (open loop: requestedAt is when the order was due) into a running processor. */
    private static Latency latency(String bootstrap, SharedInfrastructure.TestDatabase database, int rate)
            throws Exception {
        Topics topics = SharedInfrastructure.createdOrderTopics();
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            skus.add("L-" + i);
        }
        int warmup = rate * RATE_WARMUP_SECONDS;
        int total = warmup + rate * RATE_SECONDS;
        String sale = "latency-" + rate;
        try (Connection connection =
                DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password())) {
            createSale(connection, sale, skus, total);
        }
        Instant measuredFrom;
        String generatorLate;
        try (ConfigurableApplicationContext processor = processor(bootstrap, database, topics);
                KafkaProducer<String, OrderRequested> producer = doorProducer(bootstrap)) {
            // Not while the group is still forming: that would time the rebalances, not the processor.
            MessageListenerContainer container =
                    processor.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("order-processor");
            long assignDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (container.getAssignedPartitions().size() < topics.partitions() && System.nanoTime() < assignDeadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            long start = System.nanoTime();
            Instant wallStart = Instant.now();
            // Only the measured seconds count: requestedAt is when each order was due, so the warm-up's end is exact.
            measuredFrom = wallStart.plusSeconds(RATE_WARMUP_SECONDS);
            // How late each measured order reached the producer after its due time: the load generator's own
            // share of the latency, on the cores it shares with what it measures.
            long[] late = new long[total - warmup];
            for (int i = 0; i < total; i++) {
                long due = start + i * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                OrderRequested order = OrderRequested.of(new OrderId(UUID.randomUUID()), CustomerId.of("c-" + i),
                        SaleId.of(sale), Sku.of(skus.get(i % skus.size())), 1, List.of(),
                        wallStart.plusNanos(due - start));
                producer.send(fromTheDoor(topics, order));
                if (i >= warmup) {
                    late[i - warmup] = System.nanoTime() - due;
                }
            }
            Arrays.sort(late);
            generatorLate = String.format(Locale.ROOT, "load generator behind its schedule (due -> handed to the producer):"
                    + " p50 %.1f ms, p99 %.1f ms, max %.1f ms", late[late.length / 2] / 1e6,
                    late[(int) (late.length * 0.99)] / 1e6, late[late.length - 1] / 1e6);
            producer.flush();
            awaitDecided(database, sale, total);
            stages(processor);
        }
        try (Connection connection =
                        DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet latency = statement.executeQuery(
                        "SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - requested_at)),"
                                + " max(extract(epoch FROM decided_at - requested_at)) FROM orders WHERE sale_id = '" + sale + "'"
                                + " AND requested_at >= '" + measuredFrom + "'")) {
            latency.next();
            Double[] percentiles = (Double[]) latency.getArray(1).getArray();
            System.out.printf(Locale.ROOT,
                    "(c) %d orders/s for %d s over 100 items, after %d s not counted: enqueue-to-decision p50 %.0f ms,"
                            + " p99 %.0f ms, max %.0f ms%n",
                    rate, RATE_SECONDS, RATE_WARMUP_SECONDS, percentiles[0] * 1000, percentiles[1] * 1000, latency.getDouble(2) * 1000);
            Latency measured = new Latency(rate, percentiles[0] * 1000, percentiles[1] * 1000, latency.getDouble(2) * 1000);
            System.out.println("    p99 by second of the measured window (ms): " + p99BySecond(statement, sale, measuredFrom));
            System.out.println("    " + generatorLate);
            return measured;
        }
    }

    /** Whether the tail is spread over the window or comes from a few seconds of it. */
    private static String p99BySecond(Statement statement, String sale, Instant from) throws Exception {
        StringBuilder line = new StringBuilder();
        try (ResultSet seconds = statement.executeQuery(
                "SELECT floor(extract(epoch FROM requested_at - '" + from + "'::timestamptz)) AS second,"
                        + " percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - requested_at))"
                        + " FROM orders WHERE sale_id = '" + sale + "' AND requested_at >= '" + from + "'"
                        + " GROUP BY 1 ORDER BY 1")) {
            while (seconds.next()) {
                line.append(String.format(Locale.ROOT, " %.0f", seconds.getDouble(2) * 1000));
            }
        }
        return line.toString().trim();
    }

    /** Where the listener threads spent the drain: the wall-clock profile of a poll, from the processor's meters. */
    private static void stages(ConfigurableApplicationContext processor) {
        MeterRegistry meters = processor.getBean(MeterRegistry.class);
        DistributionSummary batches = meters.get("spillway.processor.batch.size").summary();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "    %d polls, %.0f records per poll; per poll:", batches.count(), batches.mean()));
        for (String stage : List.of("read", "decide", "settle", "publish")) {
            Timer timer = meters.get("spillway.processor.poll.stage").tag("stage", stage).timer();
            line.append(String.format(Locale.ROOT, " %s %.1f ms", stage, timer.mean(TimeUnit.MILLISECONDS)));
        }
        System.out.println(line);
    }

    private static ConfigurableApplicationContext processor(
            String bootstrap, SharedInfrastructure.TestDatabase database, Topics topics) {
        // Command-line arguments, not default properties: they must win over application.yml.
        Map<String, String> settings = Map.ofEntries(
                Map.entry("server.port", "0"),
                Map.entry("spring.kafka.bootstrap-servers", bootstrap),
                Map.entry("spring.datasource.url", database.jdbcUrl()),
                Map.entry("spring.datasource.username", database.username()),
                Map.entry("spring.datasource.password", database.password()),
                Map.entry("spillway.topics.requested", topics.requested()),
                Map.entry("spillway.topics.results", topics.results()),
                Map.entry("spillway.topics.dlq", topics.dlq()),
                Map.entry("spring.kafka.consumer.group-id", "bench-" + UUID.randomUUID()),
                Map.entry("spring.kafka.consumer.max-poll-records", MAX_POLL),
                Map.entry("logging.level.root", "WARN"));
        Map<String, String> all = new java.util.TreeMap<>(settings);
        if (CONCURRENCY_SETTING != null) {
            all.put("spring.kafka.listener.concurrency", CONCURRENCY_SETTING);
        }
        all.putAll(overrides());
        ConfigurableApplicationContext processor = new SpringApplicationBuilder(ProcessorApplication.class)
                .run(all.entrySet().stream()
                        .map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
                        .toArray(String[]::new));
        concurrency = processor.getEnvironment().getProperty("spring.kafka.listener.concurrency", "1");
        return processor;
    }

    private static void awaitDecided(SharedInfrastructure.TestDatabase database, String sale, int expected)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        try (Connection connection =
                        DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM orders WHERE sale_id = ?")) {
            count.setString(1, sale);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= expected) {
                        return;
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        throw new IllegalStateException("not all " + expected + " orders of " + sale + " were decided in 5 minutes");
    }

    private static KafkaProducer<String, OrderRequested> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, 5,
                        ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
                        // The in-JVM test broker, starved of CPU, answered idempotent retries with
                        // OutOfOrderSequence; one request in flight keeps order, a duplicate is replayed.
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new StringSerializer(),
                EventSerde.requests());
    }

    /**
     * For the paced runs: the producer as ingest-api configures it (idempotent, five requests in
     * flight, linger 5 ms), so that the enqueue side of the latency is the door's, not one request
     * at a time waiting for the previous acknowledgement.
     */
    private static KafkaProducer<String, OrderRequested> doorProducer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                        ProducerConfig.LINGER_MS_CONFIG, 5,
                        ProducerConfig.BATCH_SIZE_CONFIG, 65_536),
                new StringSerializer(),
                EventSerde.requests());
    }

    private static OrderRequested order(String sale, String sku, int i) {
        return OrderRequested.of(new OrderId(UUID.randomUUID()), CustomerId.of("c-" + i), SaleId.of(sale), Sku.of(sku),
                1, List.of(), Instant.now());
    }

    private static void createSale(Connection connection, String sale, List<String> skus, int stock) throws Exception {
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
                insert.setInt(3, stock);
                insert.setInt(4, stock);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
