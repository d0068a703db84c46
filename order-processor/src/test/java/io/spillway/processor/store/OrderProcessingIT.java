package io.spillway.processor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventJson;
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
import io.spillway.processor.ProcessorApplication;
import io.spillway.processor.intake.OrderRequestListener;
import io.spillway.processor.operations.DatabaseCircuit;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.processor.reservation.SaleDecisions;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The processor against the shared real broker and PostgreSQL: orders go in as records on its own
 * {@code orders.requested}; what comes out is read back from its {@code orders.results} and
 * {@code orders.dlq} and from its own database. Each test uses a sale of its own.
 */
@AutoConfigureObservability(tracing = false)
@SpringBootTest(classes = ProcessorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrderProcessingIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final SharedInfrastructure.TestDatabase DATABASE = SharedInfrastructure.newDatabase();
    private static final String GROUP = "order-processor-" + UUID.randomUUID();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Instant OPENED = Instant.now().minus(1, ChronoUnit.HOURS);

    private static KafkaProducer<String, OrderRequested> requests;
    private static KafkaProducer<byte[], byte[]> raw;
    private static Results results;
    private static Results deadLetters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry, TOPICS);
        TestProperties.database(registry, DATABASE);
        registry.add("spring.kafka.consumer.group-id", () -> GROUP);
        // Several consumers in the group, so that items are decided on different threads at once.
        registry.add("spring.kafka.listener.concurrency", () -> "3");
        registry.add("spillway.processor.lag-interval", () -> "500ms");
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DecisionStore store;

    @Autowired
    PollDecider decider;

    @Autowired
    DatabaseCircuit circuit;

    @Autowired
    PlatformTransactionManager transactionManager;

    TransactionTemplate transactions;

    @LocalServerPort
    int port;

    // Not @BeforeAll: the topics exist once the application context started, which is after @BeforeAll.
    @BeforeEach
    void clients() {
        transactions = new TransactionTemplate(transactionManager);
        if (results != null) {
            return;
        }
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        requests = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                EventSerde.requests());
        raw = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        results = new Results(bootstrap, TOPICS.results());
        deadLetters = new Results(bootstrap, TOPICS.dlq());
    }

    @AfterAll
    static void closeClients() {
        for (AutoCloseable client : new AutoCloseable[] {requests, raw, results, deadLetters}) {
            if (client != null) {
                try {
                    client.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    void fiftyUnitsAndEightyOrdersOfOneMakeFiftyConfirmedAndThirtySoldOutInArrivalOrder() throws Exception {
        ItemKey ga = stockSale("fifty", 10, Map.of("GA", 50));
        List<OrderRequested> orders = IntStream.range(0, 80)
                .mapToObj(i -> order(ga, "buyer-" + i, 1))
                .toList();

        send(orders);
        Map<OrderId, OrderDecision> decided = awaitDecisions(orders);

        for (int i = 0; i < orders.size(); i++) {
            OrderDecision decision = decided.get(orders.get(i).orderId());
            if (i < 50) {
                assertThat(decision).as("order %d", i).isInstanceOf(OrderConfirmed.class);
            } else {
                assertThat(reasonOf(decision)).as("order %d", i).isEqualTo(RejectionReason.SOLD_OUT);
            }
        }
        assertThat(jdbc.queryForMap("SELECT available, sold_out FROM items WHERE sale_id = 'fifty' AND sku = 'GA'"))
                .containsEntry("available", 0)
                .containsEntry("sold_out", true);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'fifty' AND status = 'CONFIRMED'"))
                .isEqualTo(50);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'fifty' AND reason = 'SOLD_OUT'"))
                .isEqualTo(30);
    }

    @Test
    void overlappingNamedSeatsNeverEndInTwoConfirmedOrders() throws Exception {
        ItemKey vip = seatedSale("seats", 4, "VIP", 10);
        List<OrderRequested> orders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            orders.add(seatsOrder(vip, "fan-" + i, "S-" + (i % 10 + 1), "S-" + ((i + 3) % 10 + 1)));
        }
        for (int i = 0; i < 4; i++) {
            orders.add(order(vip, "any-" + i, 2));
        }

        send(orders);
        Map<OrderId, OrderDecision> decided = awaitDecisions(orders);

        Map<SeatId, OrderId> holders = new HashMap<>();
        for (OrderDecision decision : decided.values()) {
            if (decision instanceof OrderConfirmed confirmed) {
                for (SeatId seat : confirmed.seats()) {
                    assertThat(holders.put(seat, confirmed.orderId())).as("seat %s", seat).isNull();
                }
            } else {
                assertThat(reasonOf(decision)).isIn(RejectionReason.SEAT_TAKEN, RejectionReason.SOLD_OUT);
            }
        }
        assertThat(holders).isNotEmpty();
        Map<SeatId, OrderId> stored = new HashMap<>();
        jdbc.query(
                "SELECT seat_id, order_id FROM seats WHERE sale_id = 'seats' AND order_id IS NOT NULL",
                (java.sql.ResultSet rs) -> {
                    stored.put(SeatId.of(rs.getString(1)), new OrderId(rs.getObject(2, UUID.class)));
                });
        assertThat(stored).isEqualTo(holders);
        assertThat(count("SELECT available FROM items WHERE sale_id = 'seats'")).isEqualTo(10 - holders.size());
    }

    @Test
    void anOrderDeliveredFiveTimesIsDecidedOnceAndAnsweredTheSameEachTime() throws Exception {
        ItemKey ga = stockSale("dupes", 4, Map.of("GA", 10));
        OrderRequested order = order(ga, "repeat", 3);

        send(List.of(order, order));
        await().atMost(PATIENCE).until(() -> results.read(order.orderId()) >= 2);
        send(List.of(order, order, order));
        await().atMost(PATIENCE).until(() -> results.read(order.orderId()) >= 5);

        List<OrderDecision> published = results.of(order.orderId());
        assertThat(published).hasSize(5).allMatch(decision -> decision.equals(published.get(0)));
        assertThat(published.get(0)).isInstanceOf(OrderConfirmed.class);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'dupes'")).isEqualTo(1);
        assertThat(count("SELECT available FROM items WHERE sale_id = 'dupes'")).isEqualTo(7);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'dupes'")).isEqualTo(3);
    }

    @Test
    void aDecisionCarriesTheUnsampledTraceOfItsOrderUnchanged() throws Exception {
        // Most orders come from the door with a trace that is not sampled: the decision continues it
        // with the same headers instead of spans that would not be recorded.
        ItemKey ga = stockSale("traced", 4, Map.of("GA", 5));
        OrderRequested order = order(ga, "traced", 1);
        String traceparent = "00-" + UUID.randomUUID().toString().replace("-", "") + "-b7ad6b7169203331-00";
        ProducerRecord<String, OrderRequested> record = new ProducerRecord<>(TOPICS.requested(), ga.toString(), order);
        record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        requests.send(record).get();

        awaitDecisions(List.of(order));

        ConsumerRecord<byte[], byte[]> decision = results.rawRecords().stream()
                .filter(published -> order.orderId().toString().equals(new String(published.key(), StandardCharsets.UTF_8)))
                .findFirst()
                .orElseThrow();
        assertThat(header(decision, "traceparent")).isEqualTo(traceparent);
    }

    @Test
    void aDecisionCommittedBeforeACrashIsPublishedAsStoredNotDecidedAgain() throws Exception {
        // As left by a processor killed after its database commit and before its publish: the stored
        // decision says SOLD_OUT although stock is plentiful now.
        ItemKey ga = stockSale("crash", 4, Map.of("GA", 10));
        OrderRequested order = order(ga, "unlucky", 1);
        Instant requestedAt = order.requestedAt().truncatedTo(ChronoUnit.MICROS);
        Instant decidedBefore = Instant.parse("2026-01-02T03:04:05.123456Z");
        jdbc.update(
                "INSERT INTO orders (order_id, customer_id, sale_id, sku, quantity, status, reason, requested_at, decided_at)"
                        + " VALUES (?, ?, 'crash', 'GA', 1, 'REJECTED', 'SOLD_OUT', ?, ?)",
                order.orderId().value(),
                order.customerId().value(),
                Timestamp.from(requestedAt),
                Timestamp.from(decidedBefore));

        send(List.of(order));
        OrderDecision decision = awaitDecisions(List.of(order)).get(order.orderId());

        // The database keeps microseconds, so the stored requestedAt is the request's, truncated.
        OrderRequested asStored = OrderRequested.of(
                order.orderId(),
                order.customerId(),
                order.saleId(),
                order.sku(),
                order.quantity(),
                order.seatIds(),
                requestedAt);
        assertThat(decision).isEqualTo(OrderRejected.of(asStored, RejectionReason.SOLD_OUT, decidedBefore));
        assertThat(count("SELECT available FROM items WHERE sale_id = 'crash'")).isEqualTo(10);
        assertThat(count("SELECT count(*) FROM customer_holdings WHERE sale_id = 'crash'")).isZero();
    }

    @Test
    void thePerCustomerLimitHoldsAcrossTheItemsOfASale() throws Exception {
        ItemKey a = stockSale("limit", 3, Map.of("A", 100, "B", 100));
        ItemKey b = new ItemKey(a.saleId(), Sku.of("B"));
        OrderRequested first = order(a, "carl", 2);
        send(List.of(first));
        assertThat(awaitDecisions(List.of(first)).get(first.orderId())).isInstanceOf(OrderConfirmed.class);

        OrderRequested tooMany = order(b, "carl", 2);
        OrderRequested justEnough = order(b, "carl", 1);
        OrderRequested oneMore = order(a, "carl", 1);
        send(List.of(tooMany, justEnough));
        Map<OrderId, OrderDecision> decided = awaitDecisions(List.of(tooMany, justEnough));
        send(List.of(oneMore));
        decided.putAll(awaitDecisions(List.of(oneMore)));

        assertThat(reasonOf(decided.get(tooMany.orderId()))).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(decided.get(justEnough.orderId())).isInstanceOf(OrderConfirmed.class);
        assertThat(reasonOf(decided.get(oneMore.orderId()))).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'limit' AND customer_id = 'carl'"))
                .isEqualTo(3);
    }

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicAsReceivedAndTheOthersAreStillDecided() throws Exception {
        ItemKey ga = stockSale("poison", 4, Map.of("GA", 10));
        byte[] key = ga.toString().getBytes(StandardCharsets.UTF_8);
        OrderRequested before = order(ga, "early", 1);
        OrderRequested after = order(ga, "late", 1);
        OrderRequested misKeyed = order(ga, "lost", 1);
        byte[] notJson = "this is not JSON {".getBytes(StandardCharsets.UTF_8);
        byte[] unknownType = "{\"type\":\"OrderShipped\",\"schemaVersion\":1,\"orderId\":\"%s\"}"
                .formatted(UUID.randomUUID())
                .getBytes(StandardCharsets.UTF_8);
        byte[] misKeyedValue = EventJson.write(misKeyed);
        byte[] otherKey = "poison/OTHER".getBytes(StandardCharsets.UTF_8);

        raw.send(new ProducerRecord<>(TOPICS.requested(), key, EventJson.write(before))).get();
        raw.send(new ProducerRecord<>(TOPICS.requested(), key, notJson)).get();
        raw.send(new ProducerRecord<>(TOPICS.requested(), key, unknownType)).get();
        raw.send(new ProducerRecord<>(TOPICS.requested(), otherKey, misKeyedValue)).get();
        raw.send(new ProducerRecord<>(TOPICS.requested(), key, EventJson.write(after))).get();

        Map<OrderId, OrderDecision> decided = awaitDecisions(List.of(before, after));
        assertThat(decided.values()).allMatch(OrderConfirmed.class::isInstance);
        await().atMost(PATIENCE).until(() -> deadLetters.rawRecords().size() >= 3);

        List<ConsumerRecord<byte[], byte[]>> letters = deadLetters.rawRecords();
        assertThat(letters).hasSize(3);
        assertThat(letters).anySatisfy(letter -> assertDeadLetter(letter, key, notJson));
        assertThat(letters).anySatisfy(letter -> assertDeadLetter(letter, key, unknownType));
        assertThat(letters).anySatisfy(letter -> {
            assertDeadLetter(letter, otherKey, misKeyedValue);
            assertThat(header(letter, DeadLetter.KIND)).isEqualTo("key-mismatch");
        });
        assertThat(results.of(misKeyed.orderId())).isEmpty();
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'poison'")).isEqualTo(2);
    }

    @Test
    void aListenerStoppedAndStartedMidStreamLosesAndDuplicatesNothing() throws Exception {
        ItemKey a = stockSale("restart", 10, Map.of("A", 150, "B", 150));
        ItemKey b = new ItemKey(a.saleId(), Sku.of("B"));
        List<OrderRequested> orders = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            orders.add(order(a, "a-" + i, 1));
            orders.add(order(b, "b-" + i, 1));
        }
        MessageListenerContainer container = listeners.getListenerContainer(OrderRequestListener.ID);

        send(orders.subList(0, 200));
        await().atMost(PATIENCE).until(() -> {
            results.decidedAll(List.of());
            return orders.stream().anyMatch(o -> !results.of(o.orderId()).isEmpty());
        });
        container.stop();
        assertThat(container.isRunning()).isFalse();
        List<OrderRequested> whileStopped = orders.subList(200, 400);
        send(whileStopped);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> {
            results.decidedAll(List.of());
            return whileStopped.stream().allMatch(o -> results.of(o.orderId()).isEmpty());
        });
        container.start();
        Map<OrderId, OrderDecision> decided = awaitDecisions(orders);

        for (OrderRequested order : orders) {
            List<OrderDecision> published = results.of(order.orderId());
            assertThat(new HashSet<>(published)).as("decisions of %s", order.orderId()).hasSize(1);
        }
        assertThat(decided.values().stream().filter(OrderConfirmed.class::isInstance)).hasSize(300);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'restart'")).isEqualTo(400);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'restart' AND status = 'CONFIRMED'"))
                .isEqualTo(300);
        assertThat(count("SELECT sum(available) FROM items WHERE sale_id = 'restart'")).isZero();
        assertThat(count("SELECT sum(quantity) FROM customer_holdings WHERE sale_id = 'restart'")).isEqualTo(300);
    }

    @Test
    void aSecondProcessorJoiningAndLeavingUnderLoadKeepsEveryGuarantee() throws Exception {
        Map<String, Integer> stock = Map.of("I0", 100, "I1", 100, "I2", 100, "I3", 100);
        ItemKey first = stockSale("scale", 2, stock);
        List<ItemKey> items = stock.keySet().stream().sorted().map(sku -> new ItemKey(first.saleId(), Sku.of(sku))).toList();
        // Every buyer orders one of each item with a limit of 2: their holdings are raised from four
        // partitions, decided by whichever processor owns each at the time.
        List<OrderRequested> orders = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            for (ItemKey item : items) {
                orders.add(order(item, "buyer-" + i, 1));
            }
        }

        send(orders.subList(0, 200));
        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(ProcessorApplication.class)
                // As the e2e module starts services: defaults feeding application.yml's ${ENV:default}s.
                .properties(
                        "PORT=0",
                        "KAFKA_BOOTSTRAP_SERVERS=" + SharedInfrastructure.kafkaBootstrapServers(),
                        "SPILLWAY_DB_URL=" + DATABASE.jdbcUrl(),
                        "SPILLWAY_DB_USER=" + DATABASE.username(),
                        "SPILLWAY_DB_PASSWORD=" + DATABASE.password(),
                        "SPILLWAY_PROCESSOR_GROUP=" + GROUP,
                        "SPILLWAY_PROCESSOR_MAX_POLL_RECORDS=20",
                        "spillway.topics.requested=" + TOPICS.requested(),
                        "spillway.topics.results=" + TOPICS.results(),
                        "spillway.topics.dlq=" + TOPICS.dlq())
                .run()) {
            MessageListenerContainer joined = second.getBean(KafkaListenerEndpointRegistry.class)
                    .getListenerContainer(OrderRequestListener.ID);
            await().atMost(PATIENCE).until(() -> !joined.getAssignedPartitions().isEmpty());
            send(orders.subList(200, 400));
            // Leave while the second chunk is still being decided.
            await().atMost(PATIENCE).until(() -> results.decidedAll(orders.subList(200, 220)));
        }
        send(orders.subList(400, 600));
        Map<OrderId, OrderDecision> decided = awaitDecisions(orders);

        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'scale'")).isEqualTo(600);
        for (OrderRequested order : orders) {
            assertThat(new HashSet<>(results.of(order.orderId()))).as("decisions of %s", order.orderId()).hasSize(1);
        }
        for (ItemKey item : items) {
            List<OrderDecision> inArrivalOrder = orders.stream()
                    .filter(order -> order.itemKey().equals(item))
                    .map(order -> decided.get(order.orderId()))
                    .toList();
            long confirmed = inArrivalOrder.stream().filter(OrderConfirmed.class::isInstance).count();
            assertThat(confirmed + count("SELECT available FROM items WHERE sale_id = 'scale' AND sku = '" + item.sku() + "'"))
                    .as("confirmed plus available of %s", item)
                    .isEqualTo(100);
            int firstSoldOut = inArrivalOrder.stream()
                    .filter(decision -> decision instanceof OrderRejected rejected && rejected.reason() == RejectionReason.SOLD_OUT)
                    .findFirst()
                    .map(inArrivalOrder::indexOf)
                    .orElse(inArrivalOrder.size());
            assertThat(inArrivalOrder.subList(firstSoldOut, inArrivalOrder.size()))
                    .as("nothing confirmed after the first SOLD_OUT of %s", item)
                    .noneMatch(OrderConfirmed.class::isInstance);
        }
        Map<CustomerId, Integer> confirmedPerBuyer = new HashMap<>();
        decided.values().stream()
                .filter(OrderConfirmed.class::isInstance)
                .forEach(decision -> confirmedPerBuyer.merge(decision.customerId(), decision.quantity(), Integer::sum));
        assertThat(confirmedPerBuyer.values()).allMatch(quantity -> quantity <= 2);
        Map<CustomerId, Integer> holdings = new HashMap<>();
        jdbc.query(
                "SELECT customer_id, quantity FROM customer_holdings WHERE sale_id = 'scale'",
                (java.sql.ResultSet rs) -> {
                    holdings.put(CustomerId.of(rs.getString(1)), rs.getInt(2));
                });
        assertThat(holdings).isEqualTo(confirmedPerBuyer);
    }

    @Test
    void aWriteAfterAnotherProcessorWroteTheSameRowsIsAConflictAndIsDecidedAgainFromFreshState() {
        ItemKey ga = stockSale("race", 4, Map.of("GA", 10));
        OrderRequested mine = order(ga, "me", 1);
        Map<ItemKey, List<OrderRequested>> poll = Map.of(ga, List.of(mine));
        PollSnapshot snapshot = store.load(poll);
        SaleDecisions decided = PollDecider.decideOn(snapshot, poll, Instant.now());
        // Another processor takes a unit and gives "me" a first holding in between.
        jdbc.update("UPDATE items SET available = available - 1, version = version + 1 WHERE sale_id = 'race'");
        jdbc.update("INSERT INTO customer_holdings (sale_id, customer_id, quantity) VALUES ('race', 'me', 1)");

        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> store.write(snapshot, decided)))
                .isInstanceOf(ConcurrentDecisionException.class);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'race'")).isZero();

        OrderDecision decision = decider.decide(poll).get(0);

        assertThat(decision).isInstanceOf(OrderConfirmed.class);
        assertThat(count("SELECT available FROM items WHERE sale_id = 'race'")).isEqualTo(8);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'race'")).isEqualTo(2);
    }

    @Test
    void onePollOverSeveralItemsOfASaleSharesTheBuyersLimitAndDecidesARepeatedOrderOnce() {
        stockSale("poll", 2, Map.of("A", 5, "B", 5, "C", 5));
        ItemKey a = new ItemKey(SaleId.of("poll"), Sku.of("A"));
        ItemKey b = new ItemKey(SaleId.of("poll"), Sku.of("B"));
        ItemKey c = new ItemKey(SaleId.of("poll"), Sku.of("C"));
        OrderRequested first = order(a, "same", 1);
        OrderRequested second = order(b, "same", 1);
        OrderRequested third = order(c, "same", 1);
        OrderRequested other = order(c, "other", 2);
        // The same order id under another item: a bogus duplicate that must not be decided twice.
        OrderRequested firstAgain = new OrderRequested(first.schemaVersion(), first.orderId(), first.customerId(),
                first.saleId(), Sku.of("B"), 1, List.of(), first.requestedAt());
        Map<ItemKey, List<OrderRequested>> poll = new java.util.LinkedHashMap<>();
        poll.put(a, List.of(first));
        poll.put(b, List.of(second, firstAgain));
        poll.put(c, List.of(third, other));

        List<OrderDecision> decided = decider.decide(poll);

        assertThat(decided).hasSize(5);
        assertThat(decided.get(0)).isInstanceOf(OrderConfirmed.class);
        assertThat(decided.get(1)).isInstanceOf(OrderConfirmed.class);
        assertThat(decided.get(2)).isEqualTo(decided.get(0));
        assertThat(decided.get(3)).isInstanceOfSatisfying(OrderRejected.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.LIMIT_EXCEEDED));
        assertThat(decided.get(4)).isInstanceOf(OrderConfirmed.class);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'poll'")).isEqualTo(4);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'poll' AND customer_id = 'same'"))
                .isEqualTo(2);
        assertThat(count("SELECT sum(available) FROM items WHERE sale_id = 'poll'")).isEqualTo(15 - 4);
        assertThat(count("SELECT max(version) FROM items WHERE sale_id = 'poll'")).isEqualTo(1);

        // The whole poll again: every decision replayed, nothing changes.
        assertThat(decider.decide(poll)).isEqualTo(decided);
        assertThat(count("SELECT sum(available) FROM items WHERE sale_id = 'poll'")).isEqualTo(15 - 4);
    }

    @Test
    void aDatabaseFailureHoldsTheBatchUntilTheDatabaseRecoversAndRejectsNothing() throws Exception {
        ItemKey ga = stockSale("outage", 4, Map.of("GA", 10));
        List<OrderRequested> orders = IntStream.range(0, 5).mapToObj(i -> order(ga, "o-" + i, 1)).toList();
        // The processor's writes fail as they would with the database gone, and start working again later.
        jdbc.execute("REVOKE INSERT ON orders FROM CURRENT_USER");
        try {
            send(orders);
            // The failures open the database circuit, which pauses consumption instead of rejecting.
            await().atMost(PATIENCE).until(circuit::paused);
            assertThat(listeners.getListenerContainer(OrderRequestListener.ID).isPauseRequested()).isTrue();
            assertThat(meters.get("spillway.processor.pauses").counter().count()).isPositive();
            results.decidedAll(List.of());
            assertThat(orders).allMatch(o -> results.of(o.orderId()).isEmpty());
        } finally {
            jdbc.execute("GRANT INSERT ON orders TO CURRENT_USER");
        }

        // The breaker half-opens by itself, the trial succeeds, consumption resumes.
        Map<OrderId, OrderDecision> decided = awaitDecisions(orders);
        await().atMost(PATIENCE).until(() -> !circuit.paused());
        assertThat(circuit.state()).isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
        assertThat(listeners.getListenerContainer(OrderRequestListener.ID).isPauseRequested()).isFalse();

        assertThat(decided.values()).allMatch(OrderConfirmed.class::isInstance);
        assertThat(count("SELECT available FROM items WHERE sale_id = 'outage'")).isEqualTo(5);
    }

    @Test
    void servesHealthAndTheDecisionMetrics() throws Exception {
        ItemKey ga = stockSale("metrics", 4, Map.of("GA", 1));
        List<OrderRequested> orders = List.of(order(ga, "m-1", 1), order(ga, "m-2", 1));
        send(orders);
        awaitDecisions(orders);

        assertThat(meters.find("spillway.processor.decisions").tag("reason", "SOLD_OUT").counter())
                .isNotNull()
                .satisfies(counter -> assertThat(counter.count()).isPositive());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> readiness = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .build();
        // The lag is read from the broker every lag-interval: wait for a reading after the decisions.
        await().atMost(PATIENCE).until(() -> http.send(scrape, HttpResponse.BodyHandlers.ofString())
                .body()
                .contains("spillway_processor_lag_records{application=\"order-processor\",partition=\"" + partitionOf(ga) + "\",topic=\""
                        + TOPICS.requested() + "\"} 0.0"));
        HttpResponse<String> prometheus = http.send(scrape, HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(prometheus.body())
                .contains("spillway_processor_decisions_total")
                .contains("spillway_processor_batch_size_records")
                .contains("spillway_processor_decision_latency_seconds_bucket")
                .contains("spillway_processor_pauses_total")
                .contains("spillway_processor_paused")
                .contains("resilience4j_circuitbreaker_state{application=\"order-processor\",name=\"processor-database\"")
                .containsPattern("spillway_processor_lag_records\\{application=\"order-processor\",partition=\"\\d+\",topic=\"" + java.util.regex.Pattern.quote(TOPICS.requested()) + "\"\\} 0.0");
        assertThat(meters.get("spillway.processor.decision.latency").timer().count()).isPositive();
    }

    private ItemKey stockSale(String saleId, int limit, Map<String, Integer> stock) {
        createSale(saleId, limit);
        stock.forEach((sku, units) -> jdbc.update(
                "INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, ?, 'STOCK', ?, ?)",
                saleId,
                sku,
                units,
                units));
        return new ItemKey(SaleId.of(saleId), Sku.of(stock.keySet().stream().sorted().findFirst().orElseThrow()));
    }

    private ItemKey seatedSale(String saleId, int limit, String sku, int seats) {
        createSale(saleId, limit);
        jdbc.update(
                "INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, ?, 'SEATED', ?, ?)",
                saleId,
                sku,
                seats,
                seats);
        for (int i = 1; i <= seats; i++) {
            jdbc.update(
                    "INSERT INTO seats (sale_id, sku, seat_id, ordinal) VALUES (?, ?, ?, ?)", saleId, sku, "S-" + i, i);
        }
        return new ItemKey(SaleId.of(saleId), Sku.of(sku));
    }

    private void createSale(String saleId, int limit) {
        jdbc.update(
                "INSERT INTO sales (sale_id, name, opens_at, per_customer_limit) VALUES (?, ?, ?, ?)",
                saleId,
                "Sale " + saleId,
                Timestamp.from(OPENED),
                limit);
    }

    private int count(String sql) {
        Integer value = jdbc.queryForObject(sql, Integer.class);
        return value == null ? 0 : value;
    }

    private static OrderRequested order(ItemKey item, String customer, int quantity) {
        return OrderRequested.of(
                new OrderId(UUID.randomUUID()),
                CustomerId.of(customer),
                item.saleId(),
                item.sku(),
                quantity,
                List.of(),
                Instant.now());
    }

    private static OrderRequested seatsOrder(ItemKey item, String customer, String... seats) {
        return OrderRequested.of(
                new OrderId(UUID.randomUUID()),
                CustomerId.of(customer),
                item.saleId(),
                item.sku(),
                seats.length,
                List.of(seats).stream().map(SeatId::of).toList(),
                Instant.now());
    }

    private static void send(List<OrderRequested> orders) throws Exception {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (OrderRequested order : orders) {
            acks.add(requests.send(new ProducerRecord<>(TOPICS.requested(), order.itemKey().toString(), order)));
        }
        for (java.util.concurrent.Future<?> ack : acks) {
            ack.get();
        }
    }

    private static Map<OrderId, OrderDecision> awaitDecisions(List<OrderRequested> orders) {
        await().atMost(PATIENCE).until(() -> results.decidedAll(orders));
        Map<OrderId, OrderDecision> decided = new HashMap<>();
        for (OrderRequested order : orders) {
            OrderDecision decision = results.of(order.orderId()).get(0);
            assertThat(decision.orderId()).isEqualTo(order.orderId());
            decided.put(order.orderId(), decision);
        }
        return decided;
    }

    private static int partitionOf(ItemKey item) {
        byte[] key = item.toString().getBytes(StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key))
                % TOPICS.partitions();
    }

    private static RejectionReason reasonOf(OrderDecision decision) {
        assertThat(decision).isInstanceOf(OrderRejected.class);
        return ((OrderRejected) decision).reason();
    }

    private static void assertDeadLetter(ConsumerRecord<byte[], byte[]> letter, byte[] key, byte[] value) {
        assertThat(letter.key()).isEqualTo(key);
        assertThat(letter.value()).isEqualTo(value);
        assertThat(header(letter, DeadLetter.CAUSE)).isNotBlank();
        assertThat(header(letter, DeadLetter.TOPIC)).isEqualTo(TOPICS.requested());
        assertThat(Integer.parseInt(header(letter, DeadLetter.PARTITION))).isBetween(0, TOPICS.partitions() - 1);
        assertThat(Long.parseLong(header(letter, DeadLetter.OFFSET))).isNotNegative();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Everything on one topic from its beginning, read on demand from the test thread (Awaitility's
     * condition calls {@link #poll()} through the accessors).
     */
    private static final class Results implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
        private final Map<OrderId, List<OrderDecision>> byOrder = new ConcurrentHashMap<>();

        Results(String bootstrap, String topic) {
            consumer = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            await().atMost(PATIENCE).until(() -> !consumer.partitionsFor(topic).isEmpty());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** What was published for the order, as far as read; {@link #read()} reads on. */
        List<OrderDecision> of(OrderId orderId) {
            return List.copyOf(byOrder.getOrDefault(orderId, List.of()));
        }

        /** Reads on; answers whether every order has at least one decision. */
        synchronized boolean decidedAll(List<OrderRequested> orders) {
            poll();
            return orders.stream().allMatch(order -> byOrder.containsKey(order.orderId()));
        }

        synchronized int read(OrderId orderId) {
            poll();
            return of(orderId).size();
        }

        synchronized List<ConsumerRecord<byte[], byte[]>> rawRecords() {
            poll();
            return List.copyOf(records);
        }

        private void poll() {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                records.add(record);
                if (record.value() != null && record.key() != null && !record.topic().equals(TOPICS.dlq())) {
                    OrderDecision decision = EventSerde.decisions().deserialize(record.topic(), record.value());
                    assertThat(new String(record.key(), StandardCharsets.UTF_8))
                            .isEqualTo(decision.orderId().toString());
                    byOrder.computeIfAbsent(decision.orderId(), id -> new ArrayList<>()).add(decision);
                }
            }
        }

        @Override
        public synchronized void close() {
            consumer.close();
        }
    }
}
