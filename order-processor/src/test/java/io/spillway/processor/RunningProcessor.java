package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventJson;
import io.spillway.contract.EventSerde;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderResult;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The processor against the shared real broker and PostgreSQL: orders go in as records on its own
 * {@code orders.requested}; what comes out is read back from its {@code orders.results} and
 * {@code orders.dlq} and from its own database. Each test uses a sale of its own.
 *
 * <p>The base of the in-JVM integration tests, split by concern from one class: the properties are
 * declared here only, so every subclass runs in the same cached application context, database and
 * topics, as that one class did. The members the {@code store} package's test needs are protected.
 */
@AutoConfigureObservability(tracing = false)
@SpringBootTest(classes = ProcessorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class RunningProcessor {

    static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    static final SharedInfrastructure.TestDatabase DATABASE = SharedInfrastructure.newDatabase();
    static final String GROUP = "order-processor-" + UUID.randomUUID();
    static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Instant OPENED = Instant.now().minus(1, ChronoUnit.HOURS);

    static KafkaProducer<String, OrderRequested> requests;
    static KafkaProducer<byte[], byte[]> raw;
    static Results results;
    static Results deadLetters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry, TOPICS);
        TestProperties.database(registry, DATABASE);
        registry.add("spring.kafka.consumer.group-id", () -> GROUP);
        // TestProperties names the order and catalogue topics only; the holds topics follow TOPICS here.
        registry.add("spillway.topics.commands", TOPICS::commands);
        registry.add("spillway.topics.holds", TOPICS::holds);
        // Several consumers in the group, so that items are decided on different threads at once.
        registry.add("spring.kafka.listener.concurrency", () -> "3");
        registry.add("spillway.processor.lag-interval", () -> "500ms");
    }

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    MeterRegistry meters;

    @Autowired
    PlatformTransactionManager transactionManager;

    protected TransactionTemplate transactions;

    @LocalServerPort
    int port;

    // Not @BeforeAll: the topics exist once the application context started, which is after @BeforeAll.
    @BeforeEach
    protected void clients() {
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

    // After each subclass; the next one opens its clients again and reads the topics from the start.
    @AfterAll
    protected static void closeClients() {
        for (AutoCloseable client : new AutoCloseable[] {requests, raw, results, deadLetters}) {
            if (client != null) {
                try {
                    client.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        requests = null;
        raw = null;
        results = null;
        deadLetters = null;
    }

    protected ItemKey stockSale(String saleId, int limit, Map<String, Integer> stock) {
        createSale(saleId, limit);
        stock.forEach((sku, units) -> jdbc.update(
                "INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, ?, 'STOCK', ?, ?)",
                saleId,
                sku,
                units,
                units));
        return new ItemKey(SaleId.of(saleId), Sku.of(stock.keySet().stream().sorted().findFirst().orElseThrow()));
    }

    ItemKey seatedSale(String saleId, int limit, String sku, int seats) {
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

    protected int count(String sql) {
        Integer value = jdbc.queryForObject(sql, Integer.class);
        return value == null ? 0 : value;
    }

    protected static OrderRequested order(ItemKey item, String customer, int quantity) {
        return OrderRequested.of(
                new OrderId(UUID.randomUUID()),
                CustomerId.of(customer),
                item.saleId(),
                item.sku(),
                quantity,
                List.of(),
                Instant.now());
    }

    static OrderRequested seatsOrder(ItemKey item, String customer, String... seats) {
        return OrderRequested.of(
                new OrderId(UUID.randomUUID()),
                CustomerId.of(customer),
                item.saleId(),
                item.sku(),
                seats.length,
                List.of(seats).stream().map(SeatId::of).toList(),
                Instant.now());
    }

    static void send(List<OrderRequested> orders) throws Exception {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (OrderRequested order : orders) {
            acks.add(requests.send(new ProducerRecord<>(TOPICS.requested(), order.itemKey().toString(), order)));
        }
        for (java.util.concurrent.Future<?> ack : acks) {
            ack.get();
        }
    }

    static Map<OrderId, OrderDecision> awaitDecisions(List<OrderRequested> orders) {
        await().atMost(PATIENCE).until(() -> results.decidedAll(orders));
        Map<OrderId, OrderDecision> decided = new HashMap<>();
        for (OrderRequested order : orders) {
            OrderDecision decision = results.of(order.orderId()).get(0);
            assertThat(decision.orderId()).isEqualTo(order.orderId());
            decided.put(order.orderId(), decision);
        }
        return decided;
    }

    static int partitionOf(ItemKey item) {
        byte[] key = item.toString().getBytes(StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key))
                % TOPICS.partitions();
    }

    static RejectionReason reasonOf(OrderDecision decision) {
        assertThat(decision).isInstanceOf(OrderRejected.class);
        return ((OrderRejected) decision).reason();
    }

    static void assertDeadLetter(ConsumerRecord<byte[], byte[]> letter, byte[] key, byte[] value) {
        assertThat(letter.key()).isEqualTo(key);
        assertThat(letter.value()).isEqualTo(value);
        assertThat(header(letter, DeadLetter.CAUSE)).isNotBlank();
        assertThat(header(letter, DeadLetter.TOPIC)).isEqualTo(TOPICS.requested());
        assertThat(Integer.parseInt(header(letter, DeadLetter.PARTITION))).isBetween(0, TOPICS.partitions() - 1);
        assertThat(Long.parseLong(header(letter, DeadLetter.OFFSET))).isNotNegative();
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Everything on one topic from its beginning, read on demand from the test thread (Awaitility's
     * condition calls {@link #poll()} through the accessors).
     */
    static final class Results implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
        private final Map<OrderId, List<OrderResult>> byOrder = new ConcurrentHashMap<>();

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
            return byOrder.getOrDefault(orderId, List.of()).stream()
                    .filter(OrderDecision.class::isInstance)
                    .map(OrderDecision.class::cast)
                    .toList();
        }

        /** Reads on until the topic has nothing more for now. */
        synchronized void drain() {
            while (poll() > 0) {
                // read on
            }
        }

        /** Everything published for the order as far as read, without reading on. */
        List<OrderResult> seen(OrderId orderId) {
            return List.copyOf(byOrder.getOrDefault(orderId, List.of()));
        }

        /** Everything published for the order (decisions, ends of holds, refused payments), reading on. */
        synchronized List<OrderResult> resultsOf(OrderId orderId) {
            poll();
            return List.copyOf(byOrder.getOrDefault(orderId, List.of()));
        }

        /** Reads on; answers whether every order has at least one decision. */
        synchronized boolean decidedAll(List<OrderRequested> orders) {
            poll();
            return orders.stream().allMatch(order -> !of(order.orderId()).isEmpty());
        }

        synchronized int read(OrderId orderId) {
            poll();
            return of(orderId).size();
        }

        synchronized List<ConsumerRecord<byte[], byte[]>> rawRecords() {
            poll();
            return List.copyOf(records);
        }

        private int poll() {
            int read = 0;
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                read++;
                records.add(record);
                if (record.value() != null && record.key() != null && !record.topic().equals(TOPICS.dlq())) {
                    OrderResult decision = EventJson.readResult(record.value());
                    assertThat(new String(record.key(), StandardCharsets.UTF_8))
                            .isEqualTo(decision.orderId().toString());
                    byOrder.computeIfAbsent(decision.orderId(), id -> new ArrayList<>()).add(decision);
                }
            }
            return read;
        }

        @Override
        public synchronized void close() {
            consumer.close();
        }
    }
}
