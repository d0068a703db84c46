package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.EventJson;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.processor.operations.DatabaseCircuit;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Valid orders mutated field by field (numbers out of range, huge, negative and zero quantities,
 * long strings, odd unicode, times out of range, seat lists too long or repeated, types swapped,
 * fields missing or extra), sent in batches into one partition between valid orders. Whatever a
 * record holds, it ends decided or dead-lettered, exactly once; every valid order is decided, first
 * come first served; the circuit never opens. The processor's database has a {@code CHECK} that refuses
 * one customer, so some readable orders are refused by the database and isolated from their poll.
 *
 * <p>jqwik runs beside Jupiter and knows no Spring test context, so the processor is started here, on
 * topics and a database of its own. Tries are bounded (and not shrunk: each costs a round through the
 * broker) to keep the run near a minute.
 */
class OrderMutationsIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String REFUSED_CUSTOMER = "refused-by-db";
    private static final AtomicInteger SALES = new AtomicInteger();

    private static ConfigurableApplicationContext processor;
    private static JdbcTemplate jdbc;
    private static KafkaProducer<byte[], byte[]> producer;
    private static KafkaConsumer<byte[], byte[]> outcomes;
    /** Decisions published, by order id as text. */
    private static final Map<String, List<OrderDecision>> decisions = new HashMap<>();
    /** Dead letters, by the partition and offset of the record they answer. */
    private static final Map<String, List<ConsumerRecord<byte[], byte[]>>> letters = new HashMap<>();

    /** One field set to a value, or removed ({@code value} null); {@code extra} adds an unknown field. */
    record Mutation(String field, JsonNode value) {
        @Override
        public String toString() {
            String shown = value == null ? "<removed>" : value.toString();
            return field + "=" + (shown.length() > 60 ? shown.substring(0, 60) + "…(" + shown.length() + ")" : shown);
        }
    }

    private record Sent(byte[] value, boolean valid, String orderId, long offset) {}

    @BeforeContainer
    static void start() {
        SharedInfrastructure.TestDatabase database = SharedInfrastructure.newDatabase();
        Map<String, Object> settings = new TreeMap<>();
        DynamicPropertyRegistry registry = (name, value) -> settings.put(name, value.get());
        TestProperties.kafka(registry, TOPICS);
        TestProperties.database(registry, database);
        settings.put("spring.kafka.consumer.group-id", "order-mutations-" + UUID.randomUUID());
        settings.put("server.port", "0");
        processor = new SpringApplicationBuilder(ProcessorApplication.class)
                .run(settings.entrySet().stream().map(s -> "--" + s.getKey() + "=" + s.getValue()).toArray(String[]::new));
        jdbc = processor.getBean(JdbcTemplate.class);
        // A constraint the reader cannot know: such orders read well and are refused by the database.
        jdbc.execute("ALTER TABLE orders ADD CONSTRAINT refused_by_test CHECK (customer_id <> '" + REFUSED_CUSTOMER
                + "') NOT VALID");
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, 20),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        outcomes = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(TOPICS.results(), TOPICS.dlq())) {
            await().atMost(PATIENCE).until(() -> !outcomes.partitionsFor(topic).isEmpty());
            outcomes.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        outcomes.assign(partitions);
        outcomes.seekToBeginning(partitions);
    }

    @AfterContainer
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (outcomes != null) {
            outcomes.close();
        }
        if (processor != null) {
            processor.close();
        }
    }

    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void everyRecordEndsDecidedOrDeadLetteredOnceAndEveryValidOrderIsDecidedInOrder(
            @ForAll("polls") List<List<Mutation>> poll) throws Exception {
        String sale = "mutations-" + SALES.incrementAndGet();
        jdbc.update("INSERT INTO sales (sale_id, name, opens_at, per_customer_limit) VALUES (?, ?, ?, 3)", sale, sale,
                Timestamp.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        jdbc.update("INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, 'GA', 'STOCK', 8, 8)", sale);
        ItemKey item = new ItemKey(SaleId.of(sale), Sku.of("GA"));
        byte[] key = item.toString().getBytes(StandardCharsets.UTF_8);

        List<byte[]> values = new ArrayList<>();
        List<Boolean> valid = new ArrayList<>();
        for (int i = 0; i < poll.size(); i++) {
            OrderRequested base = order(item, "c-" + (i % 4), 1 + i % 2);
            values.add(poll.get(i).isEmpty() ? EventJson.write(base) : mutate(base, poll.get(i)));
            valid.add(poll.get(i).isEmpty());
        }
        // The last record is valid: the line flows past whatever came before it.
        values.add(EventJson.write(order(item, "c-last", 1)));
        valid.add(true);
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (byte[] value : values) {
            acks.add(producer.send(new ProducerRecord<>(TOPICS.requested(), key, value)));
        }
        producer.flush();
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            RecordMetadata ack = acks.get(i).get();
            sent.add(new Sent(values.get(i), valid.get(i), orderIdIn(values.get(i)), ack.offset()));
        }
        int partition = acks.get(0).get().partition();

        await().atMost(PATIENCE).until(() -> {
            readOutcomes();
            return sent.stream().allMatch(record -> outcomesOf(record, partition) > 0);
        });
        readOutcomes();

        List<OrderDecision> inLine = new ArrayList<>();
        for (Sent record : sent) {
            assertThat(outcomesOf(record, partition))
                    .as("outcomes of %s", new String(record.value(), StandardCharsets.UTF_8))
                    .isEqualTo(1);
            List<OrderDecision> decided = record.orderId() == null ? List.of() : decisions.getOrDefault(record.orderId(), List.of());
            if (record.valid()) {
                assertThat(decided).as("decision of a valid order").hasSize(1);
            }
            if (!decided.isEmpty() && decided.get(0).itemKey().equals(item)) {
                inLine.add(decided.get(0));
            }
            for (ConsumerRecord<byte[], byte[]> letter : lettersOf(record, partition)) {
                assertThat(letter.value()).isEqualTo(record.value());
                assertThat(letter.key()).isEqualTo(key);
                assertThat(header(letter, DeadLetter.CAUSE)).isNotBlank();
            }
        }
        // First come, first served: once an order did not fit, no later order of the item is confirmed.
        int firstSoldOut = IntStream.range(0, inLine.size())
                .filter(i -> inLine.get(i) instanceof OrderRejected rejected && rejected.reason() == RejectionReason.SOLD_OUT)
                .findFirst()
                .orElse(inLine.size());
        assertThat(inLine.subList(firstSoldOut, inLine.size())).noneMatch(OrderConfirmed.class::isInstance);
        Integer rows = jdbc.queryForObject("SELECT count(*) FROM orders WHERE sale_id = ?", Integer.class, sale);
        assertThat(rows).isEqualTo(inLine.size());
        // No record was taken for an outage.
        assertThat(processor.getBean(DatabaseCircuit.class).state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(processor.getBean(MeterRegistry.class).counter("spillway.processor.pauses").count()).isZero();
    }

    @Provide
    Arbitrary<List<List<Mutation>>> polls() {
        Arbitrary<List<Mutation>> record = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(List.<Mutation>of())),
                Tuple.of(6, mutations().list().ofMinSize(1).ofMaxSize(2)));
        return record.list().ofMinSize(15).ofMaxSize(35);
    }

    private static Arbitrary<Mutation> mutations() {
        Arbitrary<String> fields = Arbitraries.of("type", "schemaVersion", "orderId", "customerId", "saleId", "sku",
                "quantity", "seatIds", "requestedAt", "extra");
        // Readable but refused by the database's constraint: isolated from its poll.
        Arbitrary<Mutation> refused = Arbitraries.just(new Mutation("customerId", TextNode.valueOf(REFUSED_CUSTOMER)));
        return Arbitraries.frequencyOf(
                Tuple.of(9, net.jqwik.api.Combinators.combine(fields, values()).as(Mutation::new)),
                Tuple.of(1, refused));
    }

    private static Arbitrary<JsonNode> values() {
        Arbitrary<JsonNode> ints = Arbitraries.of(0, -1, 1, 2, 3, 4, 64, Integer.MAX_VALUE, Integer.MIN_VALUE)
                .map(IntNode::valueOf);
        Arbitrary<JsonNode> numbers = Arbitraries.of("2147483648", "-2147483649", "1e13", "10000000000000", "1.5",
                        "2.0", "1e308", "-0.0", "1766566800")
                .map(OrderMutationsIT::parse);
        Arbitrary<JsonNode> strings = Arbitraries.of("", "x".repeat(64), "x".repeat(65), "é", "😀", "a\u0000b",
                        "a/b", "GA", "S-1", REFUSED_CUSTOMER, "+300000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z",
                        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z",
                        "2026-12-24T10:00:00+01:00", "1", "OrderRequested", "OrderConfirmed",
                        "0b6c1f2e-0000-8000-8000-00000000000g")
                .map(TextNode::valueOf);
        Arbitrary<JsonNode> unicode = Arbitraries.strings().ofMaxLength(80).map(TextNode::valueOf);
        Arbitrary<JsonNode> seatLists = Arbitraries.of(
                        List.of("S-1"), List.of("S-1", "S-1"), List.of("S-1", "S-2"), List.<String>of(),
                        IntStream.range(0, 200).mapToObj(i -> "S-" + i).toList(),
                        List.of("x".repeat(65)), List.of("é"))
                .map(OrderMutationsIT::array);
        Arbitrary<JsonNode> odd = Arbitraries.of(NullNode.getInstance(), BooleanNode.TRUE, NODES.objectNode(),
                parse("[1]"), parse("[null]"));
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just((JsonNode) null)),
                Tuple.of(2, ints),
                Tuple.of(2, numbers),
                Tuple.of(3, strings),
                Tuple.of(1, unicode),
                Tuple.of(2, seatLists),
                Tuple.of(1, odd));
    }

    private static OrderRequested order(ItemKey item, String customer, int quantity) {
        return OrderRequested.of(new OrderId(UUID.randomUUID()), CustomerId.of(customer), item.saleId(), item.sku(),
                quantity, List.of(), Instant.now());
    }

    private static byte[] mutate(OrderRequested base, List<Mutation> mutations) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(EventJson.write(base));
        for (Mutation mutation : mutations) {
            String field = mutation.field().equals("extra") ? "addedByANewerWriter" : mutation.field();
            if (mutation.value() == null) {
                json.remove(field);
            } else {
                json.set(field, mutation.value());
            }
        }
        return JSON.writeValueAsBytes(json);
    }

    /** The order id the processor would publish a decision under, if the record names one. */
    private static String orderIdIn(byte[] value) {
        try {
            return UUID.fromString(JSON.readTree(value).path("orderId").asText()).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static int outcomesOf(Sent record, int partition) {
        int decided = record.orderId() == null ? 0 : decisions.getOrDefault(record.orderId(), List.of()).size();
        return decided + lettersOf(record, partition).size();
    }

    private static List<ConsumerRecord<byte[], byte[]>> lettersOf(Sent record, int partition) {
        return letters.getOrDefault(partition + "@" + record.offset(), List.of());
    }

    private static void readOutcomes() {
        for (ConsumerRecord<byte[], byte[]> record : outcomes.poll(Duration.ofMillis(200))) {
            if (record.topic().equals(TOPICS.dlq())) {
                letters.computeIfAbsent(header(record, DeadLetter.PARTITION) + "@" + header(record, DeadLetter.OFFSET),
                        at -> new ArrayList<>()).add(record);
            } else {
                OrderDecision decision = EventSerde.decisions().deserialize(record.topic(), record.value());
                decisions.computeIfAbsent(decision.orderId().toString(), id -> new ArrayList<>()).add(decision);
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static JsonNode array(List<String> items) {
        ArrayNode array = NODES.arrayNode();
        items.forEach(array::add);
        return array;
    }
}
