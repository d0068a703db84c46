package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CancelRequested;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventJson;
import io.spillway.contract.EventSerde;
import io.spillway.contract.HoldEnded;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderCommand;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderPaid;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderResult;
import io.spillway.contract.PaymentReceived;
import io.spillway.contract.PaymentRefused;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.localstack.Ports;
import io.spillway.processor.ProcessesUnderFaults.ProcessorProcess;
import io.spillway.testing.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Holds under the faults of the contract, with the processor as separate processes
 * ({@link ProcessesUnderFaults.ProcessorProcess}): a sale whose confirmations are held, thousands of
 * holders of whom some pay and some cancel early, some pay or cancel right around their deadline, and
 * the rest let the hold lapse, while new orders keep arriving for the same items. The deadlines are
 * aligned by an {@code UPDATE} of {@code hold_expires_at}: it forges only the timing.
 *
 * <p>The checks, from PostgreSQL and {@code orders.results}, are guarantees 1, 2, 5 and 7: every order
 * one row and one decision; every ended hold exactly one distinct end event of its status; per item
 * {@code available + held + sold = total}, no seat twice; per customer the live units within the limit
 * and equal to {@code customer_holdings}; a payment accepted by its deadline pays, one after it does
 * not; the outbox drains; no grace breach.
 *
 * <p>Limits: {@link ProcessesUnderFaults}'s scenario decides final confirmations and its reader knows
 * only decisions, so this class has its own sale, reader and load; it shares only the process launcher.
 * Lateness is printed, never asserted (benchmarks measure it).
 */
abstract class HoldsUnderFaults {

    static final Duration PATIENCE = Duration.ofSeconds(120);
    static final int LIMIT = 1;
    private static final Instant OPENED = Instant.now().minus(1, ChronoUnit.HOURS);
    /** Eight stock items and one seated: the holds sit in several lines. */
    static final List<String> SKUS = List.of("GA-0", "GA-1", "GA-2", "GA-3", "GA-4", "GA-5", "GA-6", "GA-7", "FLOOR");

    private final List<ProcessorProcess> processes = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (ProcessorProcess process : processes) {
            process.kill();
        }
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }

    /** What a holder does with the hold, by the holder's number. */
    enum Role {
        PAY_EARLY, CANCEL_EARLY, PAY_THEN_CANCEL, PAY_AT_DEADLINE, CANCEL_AT_DEADLINE, LAPSE;

        static Role of(int holder) {
            return switch (holder % 20) {
                case 0, 1, 2 -> PAY_EARLY;
                case 3, 4 -> CANCEL_EARLY;
                case 5 -> PAY_THEN_CANCEL;
                case 6, 7, 8, 9 -> PAY_AT_DEADLINE;
                case 10, 11 -> CANCEL_AT_DEADLINE;
                default -> LAPSE;
            };
        }
    }

    HoldSale sale(String saleId, int holders) throws Exception {
        HoldSale sale = new HoldSale(SharedInfrastructure.newDatabase(), saleId, holders);
        closeables.add(sale);
        return sale;
    }

    ProcessorProcess start(HoldSale sale, String name) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("spring.kafka.bootstrap-servers", sale.bootstrap);
        args.put("spring.datasource.url", sale.database.jdbcUrl());
        args.put("spring.datasource.username", sale.database.username());
        args.put("spring.datasource.password", sale.database.password());
        args.put("spring.datasource.hikari.connection-timeout", "1000");
        args.put("spillway.topics.requested", sale.topics.requested());
        args.put("spillway.topics.results", sale.topics.results());
        args.put("spillway.topics.dlq", sale.topics.dlq());
        args.put("spillway.topics.commands", sale.topics.commands());
        args.put("spillway.topics.holds", sale.topics.holds());
        args.put("spring.kafka.consumer.group-id", sale.group);
        // Polls of a few hundred orders make many batches, so that a kill lands inside one; a short
        // session makes a killed member's lines move on quickly.
        args.put("spring.kafka.consumer.max-poll-records", "300");
        args.put("spring.kafka.consumer.properties.session.timeout.ms", "6000");
        args.put("spring.kafka.consumer.heartbeat-interval", "1s");
        args.put("spillway.processor.lag-interval", "500ms");
        args.put("resilience4j.circuitbreaker.instances.processor-database.wait-duration-in-open-state", "1s");
        args.put("server.port", Integer.toString(Ports.free()));
        ProcessorProcess process = ProcessorProcess.start(name, args);
        processes.add(process);
        return process;
    }

    /**
     * One sale with a 10-minute hold, its own database and topics: the holders, their commands, the
     * newcomers, and the checks.
     */
    static final class HoldSale implements AutoCloseable {

        final SharedInfrastructure.TestDatabase database;
        final JdbcTemplate jdbc;
        final Topics topics;
        final String bootstrap;
        final String group = "holds-faults-" + UUID.randomUUID();
        final String saleId;
        final List<OrderRequested> holders = new ArrayList<>();
        final Results results;
        private final KafkaProducer<String, byte[]> producer;
        /** As the door's payment producer: a record not appended within its timeout is never appended. */
        private final KafkaProducer<String, byte[]> door;
        private final List<OrderRequested> sent = new CopyOnWriteArrayList<>();
        private final List<String> commandsNotAccepted = new CopyOnWriteArrayList<>();
        private final List<Thread> threads = new CopyOnWriteArrayList<>();
        private final AtomicBoolean newcomers = new AtomicBoolean();
        private final AtomicInteger newcomerCount = new AtomicInteger();

        HoldSale(SharedInfrastructure.TestDatabase database, String saleId, int holderCount) throws Exception {
            this.database = database;
            this.saleId = saleId;
            this.bootstrap = SharedInfrastructure.kafkaBootstrapServers();
            this.topics = SharedInfrastructure.createdOrderTopics();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                // Before any command: append times are what the watermark reads.
                admin.createTopics(List.of(new NewTopic(topics.commands(), topics.partitions(), topics.replicationFactor())
                                .configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            DriverManagerDataSource dataSource =
                    new DriverManagerDataSource(database.jdbcUrl(), database.username(), database.password());
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            this.jdbc = new JdbcTemplate(dataSource);
            jdbc.update("INSERT INTO sales (sale_id, name, opens_at, per_customer_limit, hold_seconds)"
                    + " VALUES (?, ?, ?, ?, 600)", saleId, "Sale " + saleId, Timestamp.from(OPENED), LIMIT);
            for (int i = 0; i < holderCount; i++) {
                holders.add(order("holder-" + i, SKUS.get(i % SKUS.size())));
            }
            // Exactly as many units as holders: the holders sell every item out, and newcomers take
            // only what the ends of holds give back.
            for (String sku : SKUS) {
                int units = (int) holders.stream().filter(o -> o.sku().value().equals(sku)).count();
                String kind = sku.equals("FLOOR") ? "SEATED" : "STOCK";
                jdbc.update("INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, ?, ?, ?, ?)",
                        saleId, sku, kind, units, units);
                if (kind.equals("SEATED")) {
                    jdbc.update("INSERT INTO seats (sale_id, sku, seat_id, ordinal)"
                            + " SELECT ?, ?, 'F-' || n, n FROM generate_series(1, ?) AS n", saleId, sku, units);
                }
            }
            this.producer = new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                            ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                            ProducerConfig.LINGER_MS_CONFIG, 5),
                    new StringSerializer(), new ByteArraySerializer());
            this.door = new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                            ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                            ProducerConfig.LINGER_MS_CONFIG, 0,
                            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 900,
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 1000),
                    new StringSerializer(), new ByteArraySerializer());
            this.results = new Results(bootstrap, topics.results());
        }

        private OrderRequested order(String customer, String sku) {
            return OrderRequested.of(new OrderId(UUID.randomUUID()), CustomerId.of(customer), SaleId.of(saleId),
                    Sku.of(sku), 1, List.of(), Instant.now());
        }

        /** Sends the holders' orders and waits until each is held. */
        void openHolds() throws Exception {
            List<Future<?>> acks = new ArrayList<>();
            for (OrderRequested holder : holders) {
                acks.add(sendOrder(holder));
            }
            for (Future<?> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> count(
                    "SELECT count(*) FROM orders WHERE " + holdersOnly() + " AND status = 'CONFIRMED'"
                            + " AND hold_expires_at IS NOT NULL") == holders.size());
            progress("holds opened");
        }

        private Future<?> sendOrder(OrderRequested order) {
            sent.add(order);
            return producer.send(new ProducerRecord<>(topics.requested(), order.itemKey().toString(),
                    EventSerde.requests().serialize(topics.requested(), order)));
        }

        /** The early payments (each delivered twice) and cancellations, decided before any deadline is near. */
        void earlyCommands() throws Exception {
            List<Future<?>> acks = new ArrayList<>();
            int payments = 0;
            int cancels = 0;
            for (int i = 0; i < holders.size(); i++) {
                OrderId id = holders.get(i).orderId();
                Role role = Role.of(i);
                if (role == Role.PAY_EARLY || role == Role.PAY_THEN_CANCEL) {
                    PaymentReceived payment = PaymentReceived.of(id, "key-" + i, "ref-" + i, now());
                    acks.add(sendCommand(producer, payment));
                    acks.add(sendCommand(producer, payment));
                    payments++;
                }
                if (role == Role.CANCEL_EARLY) {
                    acks.add(sendCommand(producer, CancelRequested.of(id, now())));
                    cancels++;
                }
            }
            for (Future<?> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
            int expectedPayments = payments;
            int expectedCancels = cancels;
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() ->
                    count("SELECT count(*) FROM payments WHERE outcome IS NOT NULL") == expectedPayments
                            && count("SELECT count(*) FROM cancels WHERE outcome IS NOT NULL") == expectedCancels);
            progress("early payments and cancels decided");
            // A cancel after the payment: ignored, the order stays paid.
            acks.clear();
            for (int i = 0; i < holders.size(); i++) {
                if (Role.of(i) == Role.PAY_THEN_CANCEL) {
                    acks.add(sendCommand(producer, CancelRequested.of(holders.get(i).orderId(), now())));
                }
            }
            for (Future<?> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }

        private Future<?> sendCommand(KafkaProducer<String, byte[]> through, OrderCommand command) {
            return through.send(new ProducerRecord<>(topics.commands(), command.orderId().toString(),
                    EventJson.writeCommand(command)));
        }

        /**
         * Forges the deadlines of these holders' open holds to fall between {@code from} and
         * {@code from + spread}, then, as a door would, sends the at-deadline payments (each twice) and
         * cancellations each at a moment drawn within 400 ms either side of its own deadline, stamped
         * when sent. Answers the deadlines' range.
         */
        Instant forgeDeadlines(List<Integer> holderNumbers, Duration lead, Duration spread) {
            List<UUID> ids = holderNumbers.stream().map(i -> holders.get(i).orderId().value()).toList();
            Instant from = jdbc.queryForObject("SELECT date_trunc('second', now()) + ? * interval '1 millisecond'",
                    Timestamp.class, lead.toMillis()).toInstant();
            jdbc.update("UPDATE orders SET hold_expires_at = ?::timestamptz + random() * ? * interval '1 millisecond'"
                    + " WHERE order_id IN (SELECT unnest(?::uuid[])) AND status = 'CONFIRMED'",
                    from.toString(), spread.toMillis(), uuids(ids));
            Map<UUID, Instant> deadlines = new HashMap<>();
            jdbc.query("SELECT order_id, hold_expires_at FROM orders WHERE order_id IN (SELECT unnest(?::uuid[]))",
                    (java.sql.ResultSet rs) -> {
                        deadlines.put(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant());
                    }, uuids(ids));
            record Due(long at, int holder) {}
            Random random = new Random(holderNumbers.getFirst());
            List<Due> schedule = new ArrayList<>();
            for (int i : holderNumbers) {
                Role role = Role.of(i);
                if (role == Role.PAY_AT_DEADLINE || role == Role.CANCEL_AT_DEADLINE) {
                    Instant deadline = deadlines.get(holders.get(i).orderId().value());
                    schedule.add(new Due(deadline.toEpochMilli() - 400 + random.nextInt(801), i));
                }
            }
            schedule.sort(java.util.Comparator.comparingLong(Due::at));
            threads.add(Thread.ofPlatform().name("door-" + holderNumbers.getFirst()).start(() -> {
                for (Due due : schedule) {
                    long wait = due.at() - System.currentTimeMillis();
                    if (wait > 0) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(wait));
                    }
                    OrderId id = holders.get(due.holder()).orderId();
                    OrderCommand command = Role.of(due.holder()) == Role.PAY_AT_DEADLINE
                            ? PaymentReceived.of(id, "key-" + due.holder(), "ref-" + due.holder(), now())
                            : CancelRequested.of(id, now());
                    int copies = command instanceof PaymentReceived ? 2 : 1;
                    for (int copy = 0; copy < copies; copy++) {
                        door.send(new ProducerRecord<>(topics.commands(), id.toString(), EventJson.writeCommand(command)),
                                (metadata, failure) -> {
                                    if (failure != null) {
                                        // The door would have answered 503: the payment system tries again or refunds.
                                        commandsNotAccepted.add(id + ": " + failure);
                                    }
                                });
                    }
                }
                door.flush();
            }));
            return from.plus(spread);
        }

        /**
         * New orders for the sale's items, about {@code perSecond} a second until {@link #stopNewcomers()}:
         * 300 new buyers and the holders, so that a holder whose hold ended buys again and one still
         * holding is refused by the limit. Every 40th is delivered twice.
         */
        void startNewcomers(int perSecond) {
            newcomers.set(true);
            threads.add(Thread.ofPlatform().name("newcomers").start(() -> {
                Random random = new Random(7);
                long start = System.nanoTime();
                long sentSoFar = 0;
                while (newcomers.get()) {
                    long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L;
                    while (sentSoFar < due) {
                        String customer = random.nextInt(10) < 3
                                ? "holder-" + random.nextInt(holders.size())
                                : "new-" + random.nextInt(300);
                        OrderRequested order = order(customer, SKUS.get(random.nextInt(SKUS.size())));
                        int copies = newcomerCount.incrementAndGet() % 40 == 0 ? 2 : 1;
                        for (int copy = 0; copy < copies; copy++) {
                            sendOrder(order);
                        }
                        sentSoFar++;
                    }
                    LockSupport.parkNanos(5_000_000);
                }
                producer.flush();
            }));
        }

        void stopNewcomers() throws InterruptedException {
            newcomers.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }

        int count(String sql) {
            Integer value = jdbc.queryForObject(sql, Integer.class);
            return value == null ? 0 : value;
        }

        int expired() {
            return count("SELECT count(*) FROM orders WHERE status = 'EXPIRED'");
        }

        int openHoldsOf(List<Integer> holderNumbers) {
            Integer open = jdbc.queryForObject("SELECT count(*) FROM orders WHERE order_id IN (SELECT unnest(?::uuid[]))"
                            + " AND status = 'CONFIRMED'", Integer.class,
                    uuids(holderNumbers.stream().map(i -> holders.get(i).orderId().value()).toList()));
            return open == null ? 0 : open;
        }

        int decided() {
            return count("SELECT count(*) FROM orders");
        }

        /** Waits for every order, command and hold of the holders to be decided and published, then checks. */
        void awaitEndsAndCheck(List<ProcessorProcess> live) {
            List<OrderRequested> orders = List.copyOf(sent);
            Set<OrderId> ids = new HashSet<>();
            orders.forEach(order -> ids.add(order.orderId()));
            try {
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() ->
                        count("SELECT count(*) FROM orders WHERE " + holdersOnly() + " AND status = 'CONFIRMED'") == 0
                                && count("SELECT count(*) FROM payments WHERE outcome IS NULL") == 0
                                && count("SELECT count(*) FROM cancels WHERE outcome IS NULL") == 0
                                && decided() == ids.size());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("not everything ended: " + ids.size() + " orders sent; holders' open holds "
                        + jdbc.queryForList("SELECT order_id, customer_id, hold_expires_at, line FROM orders"
                                + " WHERE " + holdersOnly() + " AND status = 'CONFIRMED' LIMIT 5")
                        + "; pending payments " + jdbc.queryForList("SELECT * FROM payments WHERE outcome IS NULL LIMIT 5")
                        + "; pending cancels " + jdbc.queryForList("SELECT * FROM cancels WHERE outcome IS NULL LIMIT 5")
                        + "; watermarks " + jdbc.queryForList("SELECT * FROM command_watermarks")
                        + "; now " + jdbc.queryForObject("SELECT now()", Timestamp.class), e);
            }
            progress("every hold of the holders ended");
            // 7. The outbox drains: every end decided was acknowledged by the broker.
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                    .until(() -> count("SELECT count(*) FROM results_outbox") == 0);
            Map<OrderId, String> statuses = new HashMap<>();
            jdbc.query("SELECT order_id, status FROM orders", (java.sql.ResultSet rs) -> {
                statuses.put(new OrderId(rs.getObject(1, UUID.class)), rs.getString(2));
            });
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> {
                results.drain();
                return ids.stream().allMatch(id -> !results.decisions(id).isEmpty()
                        && (statuses.get(id).equals("CONFIRMED") || statuses.get(id).equals("REJECTED")
                                || !results.ends(id).isEmpty()));
            });
            results.drain();

            // 2. One row and one decision per order, every publication the same; every ended hold
            // exactly one distinct end event, of its status; an open hold none.
            assertThat(statuses.keySet()).isEqualTo(ids);
            for (OrderId id : ids) {
                Set<OrderDecision> decisions = new HashSet<>(results.decisions(id));
                assertThat(decisions).as("decisions of %s", id).hasSize(1);
                OrderDecision decision = decisions.iterator().next();
                String status = statuses.get(id);
                assertThat(decision instanceof OrderRejected).as("%s is %s", id, status).isEqualTo(status.equals("REJECTED"));
                Set<HoldEnded> ends = new HashSet<>(results.ends(id));
                switch (status) {
                    case "PAID" -> assertThat(ends).as("ends of %s", id).singleElement().isInstanceOf(OrderPaid.class);
                    case "EXPIRED" -> assertThat(ends).as("ends of %s", id).singleElement().isInstanceOf(OrderExpired.class);
                    case "CANCELLED" -> assertThat(ends).as("ends of %s", id).singleElement()
                            .isInstanceOf(OrderCancelled.class);
                    default -> assertThat(ends).as("ends of %s, %s", id, status).isEmpty();
                }
                if (decision instanceof OrderConfirmed confirmed) {
                    assertThat(confirmed.held()).isTrue();
                }
            }
            // A refused payment is refused once, as stored.
            jdbc.query("SELECT order_id, payment_ref, outcome FROM payments WHERE outcome <> 'PAID'",
                    (java.sql.ResultSet rs) -> {
                        OrderId id = new OrderId(rs.getObject(1, UUID.class));
                        String ref = rs.getString(2);
                        assertThat(new HashSet<>(results.refusals(id)).stream()
                                        .filter(refused -> refused.paymentRef().equals(ref)).toList())
                                .as("refusals of %s", ref).singleElement()
                                .satisfies(refused -> assertThat(refused.outcome().name()).isEqualTo(rs.getString(3)));
                    });

            // 1. Per item: available + held + sold = total, held as the open holds; no seat twice.
            jdbc.query("""
                    SELECT i.sku, i.total, i.available, i.held,
                           coalesce(sum(o.quantity) FILTER (WHERE o.status = 'CONFIRMED'), 0) AS holding,
                           coalesce(sum(o.quantity) FILTER (WHERE o.status = 'PAID'), 0) AS sold
                      FROM items i LEFT JOIN orders o ON o.sale_id = i.sale_id AND o.sku = i.sku
                     WHERE i.sale_id = ? GROUP BY i.sku, i.total, i.available, i.held""", (java.sql.ResultSet rs) -> {
                String sku = rs.getString("sku");
                assertThat(rs.getInt("held")).as("held of %s", sku).isEqualTo(rs.getInt("holding"));
                assertThat(rs.getInt("available")).as("available of %s", sku).isNotNegative();
                assertThat(rs.getInt("available") + rs.getInt("held") + rs.getInt("sold"))
                        .as("available + held + sold of %s", sku).isEqualTo(rs.getInt("total"));
            }, saleId);
            assertThat(count("""
                    SELECT count(*) FROM (SELECT seat FROM orders, unnest(seats) AS seat
                                           WHERE status IN ('CONFIRMED', 'PAID') GROUP BY seat HAVING count(*) > 1) twice
                    """)).as("seats in two live orders").isZero();
            assertThat(count("""
                    SELECT count(*) FROM seats s WHERE s.order_id IS NOT NULL AND NOT EXISTS (
                           SELECT 1 FROM orders o WHERE o.order_id = s.order_id AND o.status IN ('CONFIRMED', 'PAID')
                              AND s.seat_id = ANY (o.seats))""")).as("seats taken by no live order").isZero();
            assertThat(count("SELECT count(*) FROM seats WHERE order_id IS NOT NULL")).isEqualTo(count(
                    "SELECT coalesce(sum(cardinality(seats)), 0) FROM orders WHERE status IN ('CONFIRMED', 'PAID')"));

            // 5. Per customer: the live units within the limit and equal to what customer_holdings says.
            assertThat(count("""
                    SELECT count(*) FROM (
                      SELECT coalesce(l.customer_id, h.customer_id), coalesce(l.units, 0) AS live, coalesce(h.quantity, 0) AS held
                        FROM (SELECT customer_id, sum(quantity) AS units FROM orders
                               WHERE status IN ('CONFIRMED', 'PAID') GROUP BY customer_id) l
                        FULL JOIN customer_holdings h ON h.customer_id = l.customer_id
                       WHERE coalesce(l.units, 0) <> coalesce(h.quantity, 0) OR coalesce(l.units, 0) > ?) wrong
                    """.replace("?", Integer.toString(LIMIT)))).as("customers whose holdings disagree").isZero();

            // 7. A payment accepted by its deadline pays (unless a cancel came first); one after it never.
            assertThat(jdbc.queryForList("""
                    SELECT p.payment_ref, p.accepted_at, o.hold_expires_at, p.outcome, o.status FROM payments p
                      JOIN orders o USING (order_id)
                     WHERE (p.accepted_at <= o.hold_expires_at AND (p.outcome <> 'PAID' OR o.payment_ref IS DISTINCT FROM p.payment_ref)
                            AND NOT EXISTS (SELECT 1 FROM cancels c WHERE c.order_id = p.order_id
                                               AND c.received_seq < p.received_seq AND c.outcome = 'CANCELLED'))
                        OR (p.accepted_at > o.hold_expires_at AND p.outcome = 'PAID')""")).as("payments decided wrongly")
                    .isEmpty();
            checkRoles();
            for (ProcessorProcess process : live) {
                assertThat(process.metric("spillway_processor_payment_grace_breaches_total"))
                        .as("grace breaches of %s", process.name()).isZero();
            }
            System.out.printf("%s: %d orders, %d holders: %s; lateness of expiries p50 %.2f s, p99 %.2f s;"
                            + " commands the door could not append: %d%n", saleId, ids.size(), holders.size(),
                    jdbc.queryForList("SELECT status, count(*) FROM orders WHERE " + holdersOnly()
                            + " GROUP BY status ORDER BY status"),
                    jdbc.queryForObject("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM"
                            + " ended_at - hold_expires_at)) FROM orders WHERE status = 'EXPIRED'", Double.class),
                    jdbc.queryForObject("SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM"
                            + " ended_at - hold_expires_at)) FROM orders WHERE status = 'EXPIRED'", Double.class),
                    commandsNotAccepted.size());
        }

        /** Each holder's end, as its role and the moments of its commands say it must be. */
        private void checkRoles() {
            Map<UUID, Map<String, Object>> rows = new HashMap<>();
            for (Map<String, Object> row : jdbc.queryForList("""
                    SELECT o.order_id, o.status, o.hold_expires_at, p.accepted_at AS paid_at, p.outcome AS payment,
                           c.accepted_at AS cancelled_at, c.outcome AS cancel
                      FROM orders o LEFT JOIN payments p USING (order_id) LEFT JOIN cancels c USING (order_id)
                     WHERE o.""" + holdersOnly())) {
                assertThat(rows.put((UUID) row.get("order_id"), row)).as("one payment per holder").isNull();
            }
            for (int i = 0; i < holders.size(); i++) {
                Map<String, Object> row = rows.get(holders.get(i).orderId().value());
                Instant deadline = ((Timestamp) row.get("hold_expires_at")).toInstant();
                String expected = switch (Role.of(i)) {
                    case PAY_EARLY, PAY_THEN_CANCEL -> "PAID";
                    case CANCEL_EARLY -> "CANCELLED";
                    case PAY_AT_DEADLINE -> row.get("paid_at") != null
                            && !((Timestamp) row.get("paid_at")).toInstant().isAfter(deadline) ? "PAID" : "EXPIRED";
                    case CANCEL_AT_DEADLINE -> row.get("cancelled_at") != null
                            && !((Timestamp) row.get("cancelled_at")).toInstant().isAfter(deadline) ? "CANCELLED" : "EXPIRED";
                    case LAPSE -> "EXPIRED";
                };
                assertThat(row.get("status")).as("holder-%d (%s): %s", i, Role.of(i), row).isEqualTo(expected);
                if (Role.of(i) == Role.PAY_THEN_CANCEL) {
                    assertThat(row.get("cancel")).isEqualTo("IGNORED");
                }
            }
        }

        /** A line on the test's output: where the scenario is, for a reader of a failed run. */
        void progress(String what) {
            System.out.printf("%s %s: %s; orders %d, open holds %d, expired %d%n", Instant.now(), saleId, what, decided(),
                    count("SELECT count(*) FROM orders WHERE status = 'CONFIRMED' AND hold_expires_at IS NOT NULL"),
                    expired());
        }

        /**
         * The holders' orders, as a condition on {@code order_id}: newcomers buy under holders'
         * names too, so the name does not tell a holder's hold.
         */
        private String holdersOnly() {
            return "order_id IN (SELECT unnest('" + uuids(holders.stream().map(o -> o.orderId().value()).toList())
                    + "'::uuid[]))";
        }

        /** A PostgreSQL array literal, for {@code IN (SELECT unnest(?::uuid[]))}: the cast once, not per row. */
        private static String uuids(List<UUID> ids) {
            return ids.stream().map(UUID::toString).collect(java.util.stream.Collectors.joining(",", "{", "}"));
        }

        void awaitMembers(int members) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
                    var description = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
                            .get(group);
                    return description.members().size() == members
                            && "Stable".equalsIgnoreCase(description.state().toString());
                });
            }
        }

        private static Instant now() {
            return Instant.now().truncatedTo(ChronoUnit.MICROS);
        }

        @Override
        public void close() throws Exception {
            newcomers.set(false);
            for (Thread thread : threads) {
                thread.join(10_000);
            }
            producer.close(Duration.ofSeconds(5));
            door.close(Duration.ofSeconds(5));
            results.close();
        }
    }

    /** Everything on {@code orders.results} from its beginning, by order, read on demand. */
    static final class Results implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<OrderId, List<OrderResult>> byOrder = new ConcurrentHashMap<>();

        Results(String bootstrap, String topic) {
            consumer = new KafkaConsumer<>(
                    Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        synchronized void drain() {
            int read;
            do {
                read = 0;
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read++;
                    OrderResult result = EventJson.readResult(record.value());
                    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(result.orderId().toString());
                    byOrder.computeIfAbsent(result.orderId(), id -> new CopyOnWriteArrayList<>()).add(result);
                }
            } while (read > 0);
        }

        private <T> List<T> of(OrderId id, Class<T> type) {
            return byOrder.getOrDefault(id, List.of()).stream().filter(type::isInstance).map(type::cast).toList();
        }

        List<OrderDecision> decisions(OrderId id) {
            return of(id, OrderDecision.class);
        }

        List<HoldEnded> ends(OrderId id) {
            return of(id, HoldEnded.class);
        }

        List<PaymentRefused> refusals(OrderId id) {
            return of(id, PaymentRefused.class);
        }

        @Override
        public synchronized void close() {
            consumer.close();
        }
    }
}
