package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.localstack.Ports;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.testing.SharedInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The processor as real separate processes ({@code java -jar} of the module's executable jar, built
 * in the package phase) against the shared broker, under the faults of the contract: {@code kill -9}
 * mid-stream, instances joining and leaving the group under load, PostgreSQL stopped and started
 * again under load. Every load mixes orders delivered five times and poison records. After each,
 * guarantees 1, 2, 4 and 5 are checked from PostgreSQL and {@code orders.results} (3 is ingest's).
 *
 * <p>The base of the fault tests, one subclass per fault: the processes, the scenario (a sale, its
 * load and the checks of the guarantees) and the readers of the topics.
 */
abstract class ProcessesUnderFaults {

    static final Duration PATIENCE = Duration.ofSeconds(120);
    static final Instant OPENED = Instant.now().minus(1, ChronoUnit.HOURS);
    private static final Path JAR = Path.of("target", "order-processor-0.1.0-SNAPSHOT-exec.jar");
    private static final Path LOGS = Path.of("target", "fault-processes");

    private final List<ProcessorProcess> processes = new ArrayList<>();
    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (ProcessorProcess process : processes) {
            process.kill();
        }
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }

    Scenario scenario(
            SharedInfrastructure.TestDatabase database, String saleId, int limit, int hotStock, boolean seats)
            throws Exception {
        Topics topics = SharedInfrastructure.createdOrderTopics();
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        DriverManagerDataSource dataSource =
                new DriverManagerDataSource(database.jdbcUrl(), database.username(), database.password());
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        Scenario scenario = new Scenario(database, dataSource, topics, bootstrap, saleId, limit, hotStock, seats);
        closeables.add(scenario);
        return scenario;
    }

    ProcessorProcess start(Scenario scenario, String name, Map<String, String> extra) throws IOException {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("spring.kafka.bootstrap-servers", scenario.bootstrap);
        args.put("spring.datasource.url", scenario.database.jdbcUrl());
        args.put("spring.datasource.username", scenario.database.username());
        args.put("spring.datasource.password", scenario.database.password());
        args.put("spring.datasource.hikari.connection-timeout", "1000");
        args.put("spillway.topics.requested", scenario.topics.requested());
        args.put("spillway.topics.results", scenario.topics.results());
        args.put("spillway.topics.dlq", scenario.topics.dlq());
        args.put("spring.kafka.consumer.group-id", scenario.group);
        // Small polls make many batches, so that a kill lands inside one; a short session makes a
        // killed member's partitions move on quickly.
        args.put("spring.kafka.consumer.max-poll-records", "100");
        args.put("spring.kafka.consumer.properties.session.timeout.ms", "6000");
        args.put("spring.kafka.consumer.heartbeat-interval", "1s");
        args.put("spillway.processor.lag-interval", "500ms");
        args.put("resilience4j.circuitbreaker.instances.processor-database.wait-duration-in-open-state", "1s");
        args.put("server.port", Integer.toString(Ports.free()));
        args.putAll(extra);
        ProcessorProcess process = ProcessorProcess.start(name, args);
        processes.add(process);
        return process;
    }

    /** One processor JVM started from the module's executable jar. */
    record ProcessorProcess(String name, Process process, int port) {

        static ProcessorProcess start(String name, Map<String, String> args) throws IOException {
            Files.createDirectories(LOGS);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-jar",
                    JAR.toAbsolutePath().toString()));
            args.forEach((key, value) -> command.add("--" + key + "=" + value));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(LOGS.resolve(name + ".log").toFile())
                    .start();
            return new ProcessorProcess(name, process, Integer.parseInt(args.get("server.port")));
        }

        boolean alive() {
            return process.isAlive();
        }

        /** {@code kill -9}: no shutdown hook, no offset commit, no goodbye to the group. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        /** SIGTERM: Spring's orderly shutdown. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s stopped", name).isTrue();
        }

        /** Sum of the samples of a Prometheus series whose line starts with {@code series}; -1 when absent. */
        double metric(String series) {
            try {
                String body = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                double sum = 0;
                boolean found = false;
                for (String line : body.lines().toList()) {
                    if (line.startsWith(series + " ") || line.startsWith(series + "{")
                            || (series.endsWith("}") && line.startsWith(series))) {
                        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                        found = true;
                    }
                }
                return found ? sum : -1;
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    /**
     * A sale in its own database and topics, the orders sent to it in order, and the checks of the
     * guarantees against what came out.
     */
    static final class Scenario implements AutoCloseable {

        private final SharedInfrastructure.TestDatabase database;
        final JdbcTemplate jdbc;
        final Topics topics;
        final String bootstrap;
        private final String group = "faults-" + UUID.randomUUID();
        private final String saleId;
        private final int limit;
        final Load load;
        final TopicReader results;
        private final TopicReader deadLetters;

        Scenario(
                SharedInfrastructure.TestDatabase database,
                DataSource dataSource,
                Topics topics,
                String bootstrap,
                String saleId,
                int limit,
                int hotStock,
                boolean seats) {
            this.database = database;
            this.jdbc = new JdbcTemplate(dataSource);
            this.topics = topics;
            this.bootstrap = bootstrap;
            this.saleId = saleId;
            this.limit = limit;
            jdbc.update(
                    "INSERT INTO sales (sale_id, name, opens_at, per_customer_limit) VALUES (?, ?, ?, ?)",
                    saleId, "Sale " + saleId, Timestamp.from(OPENED), limit);
            // One hot item, twenty others, and a seated item with fifty seats.
            List<ItemKey> stockItems = new ArrayList<>();
            stockItems.add(stockItem("HOT", hotStock));
            for (int i = 0; i < 20; i++) {
                stockItems.add(stockItem("ITEM-" + i, hotStock / 10));
            }
            ItemKey seated = new ItemKey(SaleId.of(saleId), Sku.of("SEATS"));
            jdbc.update("INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, 'SEATS', 'SEATED', 50, 50)",
                    saleId);
            for (int i = 1; i <= 50; i++) {
                jdbc.update("INSERT INTO seats (sale_id, sku, seat_id, ordinal) VALUES (?, 'SEATS', ?, ?)",
                        saleId, "S-" + i, i);
            }
            this.load = new Load(bootstrap, topics.requested(), stockItems, seats ? seated : null);
            this.results = new TopicReader(bootstrap, topics.results());
            this.deadLetters = new TopicReader(bootstrap, topics.dlq());
        }

        private ItemKey stockItem(String sku, int stock) {
            jdbc.update("INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, ?, 'STOCK', ?, ?)",
                    saleId, sku, stock, stock);
            return new ItemKey(SaleId.of(saleId), Sku.of(sku));
        }

        int decidedInDatabase() {
            try {
                Integer count = jdbc.queryForObject("SELECT count(*) FROM orders", Integer.class);
                return count == null ? 0 : count;
            } catch (RuntimeException e) {
                // The database is down in one scenario: not decided as far as we can tell.
                return -1;
            }
        }

        void awaitMembers(int members) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
                    var description = admin.describeConsumerGroups(List.of(group))
                            .all()
                            .get(10, TimeUnit.SECONDS)
                            .get(group);
                    return description.members().size() == members
                            && "Stable".equalsIgnoreCase(description.state().toString());
                });
            }
        }

        Map<RejectionReason, Integer> rejectionsByReason() {
            Map<RejectionReason, Integer> reasons = new HashMap<>();
            jdbc.query("SELECT reason, count(*) AS n FROM orders WHERE status = 'REJECTED' GROUP BY reason",
                    (java.sql.ResultSet rs) -> {
                        reasons.put(RejectionReason.valueOf(rs.getString("reason")), rs.getInt("n"));
                    });
            return reasons;
        }

        /** Waits for a decision on every order sent, then checks the guarantees. */
        void awaitAllDecidedAndCheck() {
            List<OrderRequested> sent = load.sent();
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> results.decidedAll(sent));
            await().atMost(PATIENCE).until(() -> deadLetters.rawCount() >= load.poison().size());

            Map<OrderId, OrderDecision> stored = new HashMap<>();
            jdbc.query(
                    "SELECT order_id, status, reason, quantity, seats, customer_id, sku FROM orders",
                    (java.sql.ResultSet rs) -> {
                        OrderId id = new OrderId(rs.getObject("order_id", UUID.class));
                        assertThat(stored).as("one row per order").doesNotContainKey(id);
                        stored.put(id, results.of(id).getFirst());
                        assertThat(rs.getString("status"))
                                .isEqualTo(results.of(id).getFirst() instanceof OrderConfirmed ? "CONFIRMED" : "REJECTED");
                    });

            // 2. No lost order, exactly one decision per order: one row, and every publication the same.
            Set<OrderId> ids = new HashSet<>();
            for (OrderRequested order : sent) {
                ids.add(order.orderId());
                List<OrderDecision> published = results.of(order.orderId());
                assertThat(published).as("decisions of %s", order.orderId()).isNotEmpty();
                assertThat(new HashSet<>(published)).as("every publication of %s is the same", order.orderId())
                        .hasSize(1);
            }
            assertThat(stored.keySet()).isEqualTo(ids);

            // 1. No oversell, by count and by seat; the item rows agree with the confirmed orders.
            Map<ItemKey, Integer> confirmedUnits = new HashMap<>();
            Set<SeatId> seatsSold = new HashSet<>();
            for (OrderDecision decision : stored.values()) {
                if (decision instanceof OrderConfirmed confirmed) {
                    confirmedUnits.merge(new ItemKey(confirmed.saleId(), confirmed.sku()), confirmed.quantity(),
                            Integer::sum);
                    for (SeatId seat : confirmed.seats()) {
                        assertThat(seatsSold.add(seat)).as("seat %s sold once", seat).isTrue();
                    }
                }
            }
            jdbc.query("SELECT sku, total, available FROM items WHERE sale_id = ?", (java.sql.ResultSet rs) -> {
                int sold = confirmedUnits.getOrDefault(
                        new ItemKey(SaleId.of(saleId), Sku.of(rs.getString("sku"))), 0);
                assertThat(sold).as("sold of %s", rs.getString("sku")).isLessThanOrEqualTo(rs.getInt("total"));
                assertThat(rs.getInt("available")).isEqualTo(rs.getInt("total") - sold);
            }, saleId);
            Integer seatRows = jdbc.queryForObject("SELECT count(*) FROM seats WHERE order_id IS NOT NULL", Integer.class);
            assertThat(seatRows).isEqualTo(seatsSold.size());

            // 4. First come, first served: a SOLD_OUT order is never ahead of a confirmed one no bigger.
            Map<ItemKey, List<OrderRequested>> lines = new LinkedHashMap<>();
            Set<OrderId> seen = new HashSet<>();
            for (OrderRequested order : sent) {
                if (!order.namesSeats() && seen.add(order.orderId())) {
                    lines.computeIfAbsent(order.itemKey(), item -> new ArrayList<>()).add(order);
                }
            }
            lines.forEach((item, line) -> {
                int smallestSoldOut = Integer.MAX_VALUE;
                for (OrderRequested order : line) {
                    OrderDecision decision = stored.get(order.orderId());
                    if (decision instanceof OrderRejected rejected && rejected.reason() == RejectionReason.SOLD_OUT) {
                        smallestSoldOut = Math.min(smallestSoldOut, order.quantity());
                    } else if (decision instanceof OrderConfirmed) {
                        assertThat(order.quantity())
                                .as("%s confirmed after a SOLD_OUT order of %d on %s", order.orderId(), smallestSoldOut,
                                        item)
                                .isLessThan(smallestSoldOut);
                    }
                }
            });

            // 5. The per-customer limit across the whole sale.
            Map<CustomerId, Integer> held = new HashMap<>();
            stored.values().stream()
                    .filter(OrderConfirmed.class::isInstance)
                    .forEach(decision -> held.merge(decision.customerId(), decision.quantity(), Integer::sum));
            assertThat(held.values()).allMatch(units -> units <= limit);

            // Poison went to the dead-letter topic as received, and only poison did.
            Set<String> poisonAt = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> letter : deadLetters.rawRecords()) {
                assertThat(load.poison()).anyMatch(value -> java.util.Arrays.equals(value, letter.value()));
                poisonAt.add(header(letter, DeadLetter.PARTITION) + "@" + header(letter, DeadLetter.OFFSET));
            }
            assertThat(poisonAt).hasSize(load.poison().size());
        }

        @Override
        public void close() {
            load.close();
            results.close();
            deadLetters.close();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Orders for the scenario's items from 300 buyers, sent in order by one idempotent producer: every
     * 50th order five times in a row, and a poison record after every 97th. Without a seated item,
     * stock orders only.
     */
    static final class Load implements AutoCloseable {

        private final KafkaProducer<String, byte[]> producer;
        private final String topic;
        private final List<ItemKey> stockItems;
        private final ItemKey seated;
        private final Random random = new Random(42);
        private final List<OrderRequested> sent = new CopyOnWriteArrayList<>();
        private final List<byte[]> poison = new CopyOnWriteArrayList<>();
        private final AtomicBoolean steady = new AtomicBoolean();
        private Thread steadyThread;
        private int next;

        Load(String bootstrap, String topic, List<ItemKey> stockItems, ItemKey seated) {
            this.producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                            ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                            ProducerConfig.LINGER_MS_CONFIG, 5),
                    new StringSerializer(),
                    new ByteArraySerializer());
            this.topic = topic;
            this.stockItems = stockItems;
            this.seated = seated;
        }

        void preload(int orders) throws Exception {
            List<Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                acks.addAll(sendNext());
            }
            for (Future<?> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }

        /** Sends about {@code perSecond} orders a second on a thread of its own until {@link #stopSteady()}. */
        void startSteady(int perSecond) {
            steady.set(true);
            steadyThread = Thread.ofPlatform().name("steady-load").start(() -> {
                long start = System.nanoTime();
                long sentSoFar = 0;
                while (steady.get()) {
                    long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L;
                    while (sentSoFar < due) {
                        sendNext();
                        sentSoFar++;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                }
                producer.flush();
            });
        }

        void stopSteady() throws InterruptedException {
            steady.set(false);
            steadyThread.join();
        }

        synchronized List<Future<?>> sendNext() {
            int i = next++;
            OrderRequested order;
            int pick = random.nextInt(100);
            CustomerId customer = CustomerId.of("buyer-" + random.nextInt(300));
            if (seated == null) {
                pick = 15 + random.nextInt(85);
            }
            if (pick < 10) {
                String first = "S-" + (1 + random.nextInt(50));
                String second = "S-" + (1 + random.nextInt(50));
                List<SeatId> seats = first.equals(second)
                        ? List.of(SeatId.of(first))
                        : List.of(SeatId.of(first), SeatId.of(second));
                order = OrderRequested.of(new OrderId(UUID.randomUUID()), customer, seated.saleId(), seated.sku(),
                        seats.size(), seats, Instant.now());
            } else if (pick < 15) {
                order = OrderRequested.of(new OrderId(UUID.randomUUID()), customer, seated.saleId(), seated.sku(),
                        1 + random.nextInt(2), List.of(), Instant.now());
            } else {
                // Half of the orders go to the hot item.
                ItemKey item = pick < 57 ? stockItems.getFirst() : stockItems.get(1 + random.nextInt(stockItems.size() - 1));
                order = OrderRequested.of(new OrderId(UUID.randomUUID()), customer, item.saleId(), item.sku(),
                        1 + random.nextInt(3), List.of(), Instant.now());
            }
            List<Future<?>> acks = new ArrayList<>();
            byte[] value = EventSerde.requests().serialize(topic, order);
            int copies = i % 50 == 0 ? 5 : 1;
            for (int copy = 0; copy < copies; copy++) {
                acks.add(producer.send(new ProducerRecord<>(topic, order.itemKey().toString(), value)));
                sent.add(order);
            }
            if (i % 97 == 0) {
                byte[] bad = switch (poison.size() % 3) {
                    case 0 -> ("{not json " + i).getBytes(StandardCharsets.UTF_8);
                    case 1 -> ("{\"type\":\"Mystery\",\"schemaVersion\":1,\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                    default -> ("{\"type\":\"OrderRequested\",\"schemaVersion\":99,\"n\":" + i + "}")
                            .getBytes(StandardCharsets.UTF_8);
                };
                poison.add(bad);
                // Keyed like a real order, so that it sits in a line with valid orders.
                acks.add(producer.send(new ProducerRecord<>(topic, order.itemKey().toString(), bad)));
            }
            return acks;
        }

        List<OrderRequested> sent() {
            return List.copyOf(sent);
        }

        int orderCount() {
            return (int) sent.stream().map(OrderRequested::orderId).distinct().count();
        }

        List<byte[]> poison() {
            return List.copyOf(poison);
        }

        @Override
        public void close() {
            steady.set(false);
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Everything on one topic from its beginning, read on demand from the test thread. */
    static final class TopicReader implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        private final Map<OrderId, List<OrderDecision>> byOrder = new ConcurrentHashMap<>();

        TopicReader(String bootstrap, String topic) {
            consumer = new KafkaConsumer<>(
                    Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        synchronized boolean decidedAll(Collection<OrderRequested> orders) {
            poll();
            return orders.stream().allMatch(order -> byOrder.containsKey(order.orderId()));
        }

        synchronized int decidedCount(Collection<OrderRequested> orders) {
            poll();
            return (int) orders.stream().map(OrderRequested::orderId).distinct().filter(byOrder::containsKey).count();
        }

        synchronized int rawCount() {
            poll();
            return records.size();
        }

        synchronized List<ConsumerRecord<byte[], byte[]>> rawRecords() {
            poll();
            return List.copyOf(records);
        }

        List<OrderDecision> of(OrderId orderId) {
            return List.copyOf(byOrder.getOrDefault(orderId, List.of()));
        }

        private void poll() {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                records.add(record);
                if (record.key() != null && record.value() != null && record.headers().lastHeader(DeadLetter.CAUSE) == null) {
                    try {
                        OrderDecision decision = EventSerde.decisions().deserialize(record.topic(), record.value());
                        byOrder.computeIfAbsent(decision.orderId(), id -> new ArrayList<>()).add(decision);
                    } catch (RuntimeException notADecision) {
                        // A dead letter's value is a request or garbage: kept only as a raw record.
                    }
                }
            }
        }

        @Override
        public synchronized void close() {
            consumer.close();
        }
    }
}
