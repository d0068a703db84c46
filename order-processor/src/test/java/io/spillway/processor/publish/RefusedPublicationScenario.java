package io.spillway.processor.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.processor.ProcessorApplication;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The processor while the broker refuses its decisions, against the shared real broker and
 * PostgreSQL. The refusal is the broker's own: {@code orders.results} is given a
 * {@code max.message.bytes} smaller than any decision, so every write of a decision fails with
 * {@code MESSAGE_TOO_LARGE} until the setting is taken back. ({@code min.insync.replicas} above the
 * replication factor would be closer to an outage, but a one-broker cluster caps it at one.)
 *
 * <p>What must hold, whether decisions are published while the next poll is decided
 * ({@link PublicationPipeline}) or not: no offset is committed for an order whose decision the
 * broker has not taken, and every decision goes out once the broker takes them again, without a
 * restart. Each concrete class gets topics, a database and a group of its own.
 */
@AutoConfigureObservability(tracing = false)
@SpringBootTest(classes = ProcessorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
abstract class RefusedPublicationScenario {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String SALE = "refused";
    private static final int STOCK = 10_000;

    private Admin admin;
    private KafkaProducer<String, OrderRequested> requests;
    private KafkaConsumer<byte[], byte[]> results;
    private final Map<OrderId, List<OrderDecision>> published = new HashMap<>();

    /** Topics, a database and a group of the subclass's own, and the processor's settings for the scenario. */
    static void infrastructure(DynamicPropertyRegistry registry, boolean overlapPublish) {
        TestProperties.kafka(registry, SharedInfrastructure.createdOrderTopics());
        TestProperties.database(registry, SharedInfrastructure.newDatabase());
        String group = "order-processor-" + UUID.randomUUID();
        registry.add("spring.kafka.consumer.group-id", () -> group);
        registry.add("spring.kafka.listener.concurrency", () -> "2");
        // Small polls, so that a run of orders is several polls, each published while the next is decided.
        registry.add("spring.kafka.consumer.max-poll-records", () -> "40");
        // The producer retries a refused batch until its delivery timeout: seconds here, not two minutes.
        // Every decision in a batch of its own, so that the broker's refusal reaches the processor:
        // kafka-clients 3.9 splits a batch of several records over the topic's limit again and
        // again, for ever, instead (KAFKA-8350; docs/processor.md, "Dead letters").
        registry.add("spring.kafka.producer.batch-size", () -> "1");
        registry.add("spring.kafka.producer.properties.request.timeout.ms", () -> "2000");
        registry.add("spring.kafka.producer.properties.delivery.timeout.ms", () -> "4000");
        registry.add("spillway.processor.publish-timeout", () -> "15s");
        registry.add("spillway.processor.failures.max-backoff", () -> "1s");
        registry.add("spillway.processor.overlap-publish", () -> Boolean.toString(overlapPublish));
    }

    @Autowired
    Topics topics;

    @Value("${spring.kafka.consumer.group-id}")
    String group;

    @Value("${spillway.processor.overlap-publish}")
    boolean overlapPublish;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void clients() {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        requests = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                EventSerde.requests());
        results = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = IntStream.range(0, topics.partitions())
                .mapToObj(partition -> new TopicPartition(topics.results(), partition))
                .toList();
        results.assign(partitions);
        results.seekToBeginning(partitions);
    }

    @AfterEach
    void closeClients() {
        results.close();
        requests.close();
        admin.close();
    }

    @Test
    void decisionsTheBrokerRefusesAreNeitherCommittedNorLostAndGoOutOnceItTakesThemAgain() throws Exception {
        createSale(List.of("A", "B", "C"));
        List<OrderRequested> before = orders("before", 240);
        send(before);
        await().atMost(PATIENCE).until(() -> publishedAll(before));
        await().atMost(PATIENCE).until(() -> committed().equals(endOffsets()));
        Map<TopicPartition, Long> committedBefore = committed();

        refuseDecisions(true);
        List<OrderRequested> during = orders("during", 240);
        send(during);
        // The broker refused a poll's decisions, and refused them again when they were sent again.
        await().atMost(PATIENCE).until(() -> counter("spillway.processor.publish.failures") >= 1);

        assertThat(decidedInDatabase("during-%")).as("orders decided while the broker refused").isPositive();
        assertThat(committed())
                .as("no offset may move past an order whose decision the broker has not taken")
                .isEqualTo(committedBefore);
        assertThat(publishedAny(during)).as("decisions of refused polls on orders.results").isFalse();

        refuseDecisions(false);
        await().atMost(PATIENCE).until(() -> publishedAll(during));
        await().atMost(PATIENCE).until(() -> committed().equals(endOffsets()));

        if (overlapPublish) {
            // A poll in flight is completed only by sending its refused decisions again; without the
            // overlap, the retried batch publishes afresh instead.
            assertThat(counter("spillway.processor.republished")).isPositive();
        }
        List<OrderRequested> all = new ArrayList<>(before);
        all.addAll(during);
        for (OrderRequested order : all) {
            List<OrderDecision> decisions = published.get(order.orderId());
            // Sent again after a refusal, a decision may be there twice, but always the same decision.
            assertThat(decisions).as("decisions of %s", order.orderId())
                    .isNotEmpty()
                    .allMatch(decision -> decision.equals(decisions.getFirst()))
                    .allMatch(OrderConfirmed.class::isInstance);
        }
        assertThat(decidedInDatabase("%")).isEqualTo(all.size());
        Integer sold = jdbc.queryForObject(
                "SELECT sum(total - available) FROM items WHERE sale_id = ?", Integer.class, SALE);
        assertThat(sold).isEqualTo(all.size());
    }

    private void createSale(List<String> skus) {
        jdbc.update(
                "INSERT INTO sales (sale_id, name, opens_at, per_customer_limit) VALUES (?, ?, ?, ?)",
                SALE,
                "Refused publication",
                Timestamp.from(Instant.now().minus(Duration.ofHours(1))),
                4);
        for (String sku : skus) {
            jdbc.update(
                    "INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, ?, 'STOCK', ?, ?)",
                    SALE, sku, STOCK, STOCK);
        }
    }

    /** One unit each, every buyer different, spread over the sale's three items. */
    private static List<OrderRequested> orders(String prefix, int count) {
        String[] skus = {"A", "B", "C"};
        return IntStream.range(0, count)
                .mapToObj(i -> OrderRequested.of(
                        new OrderId(UUID.randomUUID()),
                        CustomerId.of(prefix + "-" + i),
                        SaleId.of(SALE),
                        Sku.of(skus[i % skus.length]),
                        1,
                        List.of(),
                        Instant.now()))
                .toList();
    }

    private void send(List<OrderRequested> orders) throws Exception {
        List<Future<?>> acks = new ArrayList<>();
        for (OrderRequested order : orders) {
            ItemKey item = order.itemKey();
            acks.add(requests.send(new ProducerRecord<>(topics.requested(), item.toString(), order)));
        }
        for (Future<?> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
    }

    private void refuseDecisions(boolean refuse) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, topics.results());
        // A decision is a few hundred bytes as a batch of one.
        ConfigEntry tiny = new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "64");
        AlterConfigOp op = new AlterConfigOp(tiny, refuse ? AlterConfigOp.OpType.SET : AlterConfigOp.OpType.DELETE);
        admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get(30, TimeUnit.SECONDS);
    }

    private synchronized boolean publishedAll(List<OrderRequested> orders) {
        readResults();
        return orders.stream().allMatch(order -> published.containsKey(order.orderId()));
    }

    private synchronized boolean publishedAny(List<OrderRequested> orders) {
        readResults();
        return orders.stream().anyMatch(order -> published.containsKey(order.orderId()));
    }

    private void readResults() {
        for (ConsumerRecord<byte[], byte[]> record : results.poll(Duration.ofMillis(200))) {
            OrderDecision decision = EventSerde.decisions().deserialize(record.topic(), record.value());
            published.computeIfAbsent(decision.orderId(), id -> new ArrayList<>()).add(decision);
        }
    }

    /** The processor group's committed offsets on {@code orders.requested}, partitions without one left out. */
    private Map<TopicPartition, Long> committed() throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        committed.forEach((partition, offset) -> {
            if (offset != null) {
                offsets.put(partition, offset.offset());
            }
        });
        return offsets;
    }

    /** The end offsets of the partitions of {@code orders.requested} that hold records. */
    private Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < topics.partitions(); partition++) {
            latest.put(new TopicPartition(topics.requested(), partition), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((partition, info) -> {
            if (info.offset() > 0) {
                ends.put(partition, info.offset());
            }
        });
        return ends;
    }

    private int decidedInDatabase(String customers) {
        Integer count = jdbc.queryForObject(
                "SELECT count(*) FROM orders WHERE sale_id = ? AND customer_id LIKE ?", Integer.class, SALE, customers);
        return count == null ? 0 : count;
    }

    private double counter(String name) {
        return meters.get(name).counter().count();
    }
}
