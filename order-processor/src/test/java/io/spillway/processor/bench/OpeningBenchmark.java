package io.spillway.processor.bench;

import io.spillway.contract.CustomerId;
import io.spillway.contract.Draw;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.processor.ProcessorApplication;
import io.spillway.testing.SharedInfrastructure;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The opening (docs/benchmarks/opening.md): {@code bench.orders} (50,000) pre-queue orders of one item
 * arrive over {@code bench.seconds} (10 s) before {@code opensAt} and are parked; then the opening:
 * from {@code opensAt} to the last pre-queue decision, split into the wait the contract imposes (every
 * order accepted before the opening must have reached the line: {@code spillway.opening.*}), the draw,
 * and the drain. Baseline, same run, same processor and database: the same number of orders of a sale
 * without a pre-queue, pre-loaded and decided as they come (first to last decision). Stock
 * {@code bench.stock} (5,000) in both. Run with {@code order-processor/bench/opening.sh}.
 */
public final class OpeningBenchmark {

    private static final int ORDERS = Integer.getInteger("bench.orders", 50_000);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final int STOCK = Integer.getInteger("bench.stock", 5_000);

    private OpeningBenchmark() {}

    public static void main(String[] args) {
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
        SharedInfrastructure.TestDatabase database = SharedInfrastructure.newDatabase();
        Flyway.configure().dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(
                new DriverManagerDataSource(database.jdbcUrl(), database.username(), database.password()));
        Topics topics = SharedInfrastructure.createdOrderTopics();
        ConfigurableApplicationContext processor = new SpringApplicationBuilder(ProcessorApplication.class).run(
                "--server.port=0", "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--spring.datasource.url=" + database.jdbcUrl(), "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(), "--spillway.topics.requested=" + topics.requested(),
                "--spillway.topics.results=" + topics.results(), "--spillway.topics.dlq=" + topics.dlq(),
                "--spring.kafka.consumer.group-id=bench-" + UUID.randomUUID(), "--logging.level.root=WARN");
        try (KafkaProducer<String, OrderRequested> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), EventSerde.requests())) {
            // Baseline: the same orders of a sale without a pre-queue, decided as they come.
            createSale(jdbc, "baseline", Instant.now().minusSeconds(3_600), null);
            List<Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                acks.add(producer.send(record(topics, order("baseline", i, Instant.now()))));
            }
            for (Future<?> ack : acks) {
                ack.get();
            }
            awaitDecided(jdbc, "baseline");
            double baseline = span(jdbc, "SELECT min(decided_at), max(decided_at) FROM orders WHERE sale_id = 'baseline'");
            System.out.printf(Locale.ROOT, "baseline: %,d orders of a sale without a pre-queue decided in %.2f s (%,.0f/s)%n",
                    ORDERS, baseline, ORDERS / baseline);

            // The pre-queue: orders spread over SECONDS, the opening right after the last.
            Instant start = Instant.now().plusSeconds(1);
            Instant opensAt = start.plusSeconds(SECONDS).plusMillis(500);
            createSale(jdbc, "opening", opensAt, start.minusSeconds(60));
            long startNanos = System.nanoTime() + Duration.between(Instant.now(), start).toNanos();
            acks.clear();
            for (int i = 0; i < ORDERS; i++) {
                long due = startNanos + TimeUnit.SECONDS.toNanos(SECONDS) * i / ORDERS;
                LockSupport.parkNanos(due - System.nanoTime());
                acks.add(producer.send(record(topics, order("opening", i, Instant.now()))));
            }
            for (Future<?> ack : acks) {
                ack.get();
            }
            System.out.printf(Locale.ROOT, "pre-queue: %,d orders sent over %d s; %,d parked by the opening%n", ORDERS,
                    SECONDS, waitUntil(jdbc, opensAt));
            awaitDecided(jdbc, "opening");
            Instant drawn = jdbc.queryForObject("SELECT drawn_at FROM openings WHERE sale_id = 'opening'",
                    OffsetDateTime.class).toInstant();
            Instant first = jdbc.queryForObject("SELECT min(decided_at) FROM orders WHERE sale_id = 'opening'",
                    OffsetDateTime.class).toInstant();
            Instant last = jdbc.queryForObject("SELECT max(decided_at) FROM orders WHERE sale_id = 'opening'",
                    OffsetDateTime.class).toInstant();
            Instant revealed = jdbc.queryForObject("SELECT draw_revealed_at FROM sales WHERE sale_id = 'opening'",
                    OffsetDateTime.class).toInstant();
            double total = seconds(opensAt, last);
            double drain = seconds(first, last);
            System.out.printf(Locale.ROOT, "opening: opensAt -> last pre-queue decision %.2f s = %.2fx baseline%n", total,
                    total / baseline);
            System.out.printf(Locale.ROOT, "  settle wait + line watermark: opensAt -> draw %.2f s (the contract's wait: %s)%n",
                    seconds(opensAt, drawn), processor.getBean(io.spillway.processor.OpeningProperties.class).settle());
            System.out.printf(Locale.ROOT, "  draw -> first decision %.2f s; drain first -> last decision %.2f s = %.2fx baseline"
                    + " (%,.0f/s); seed revealed %.2f s after the last decision%n", seconds(drawn, first), drain,
                    drain / baseline, ORDERS / drain, seconds(last, revealed));
        } finally {
            processor.close();
        }
    }

    private static void createSale(JdbcTemplate jdbc, String sale, Instant opensAt, Instant prequeueOpensAt) {
        jdbc.update("""
                INSERT INTO sales (sale_id, name, opens_at, per_customer_limit, prequeue_opens_at, opening_order, draw_seed)
                VALUES (?, ?, ?, 4, ?, 'SHUFFLED', ?)""",
                sale, sale, Timestamp.from(opensAt), prequeueOpensAt == null ? null : Timestamp.from(prequeueOpensAt),
                Draw.newSeed());
        jdbc.update("INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, 'HOT', 'STOCK', ?, ?)",
                sale, STOCK, STOCK);
    }

    private static OrderRequested order(String sale, int i, Instant at) {
        return OrderRequested.of(new OrderId(UUID.randomUUID()), CustomerId.of("buyer-" + i), SaleId.of(sale),
                Sku.of("HOT"), 1, List.of(), at);
    }

    private static ProducerRecord<String, OrderRequested> record(Topics topics, OrderRequested order) {
        return new ProducerRecord<>(topics.requested(), order.itemKey().toString(), order);
    }

    private static int waitUntil(JdbcTemplate jdbc, Instant instant) {
        LockSupport.parkNanos(Math.max(0, Duration.between(Instant.now(), instant).toNanos()));
        Integer parked = jdbc.queryForObject("SELECT count(*) FROM parked_orders WHERE sale_id = 'opening'", Integer.class);
        return parked == null ? 0 : parked;
    }

    private static void awaitDecided(JdbcTemplate jdbc, String sale) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            Integer decided = jdbc.queryForObject("SELECT count(*) FROM orders WHERE sale_id = ?", Integer.class, sale);
            if (decided != null && decided >= ORDERS) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException("the orders of " + sale + " were not all decided in 10 minutes");
    }

    private static double span(JdbcTemplate jdbc, String sql) {
        return jdbc.query(sql, rs -> {
            rs.next();
            return seconds(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getObject(2, OffsetDateTime.class).toInstant());
        });
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }
}
