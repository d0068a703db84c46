package io.spillway.ingest;

import io.spillway.contract.CatalogRecord;
import io.spillway.contract.CatalogSerde;
import io.spillway.contract.ItemAvailability;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatChunk;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * What inventory-service would publish, for tests of the door: the catalogue topics of a test's own
 * catalogue and the sales it needs, written as {@link SaleDefined} records with their seats in
 * {@link SeatChunk}s.
 */
public final class CatalogFixture {

    private CatalogFixture() {}

    /** Creates the order topics and the compacted catalogue topics (with the rooms'), as the services would. */
    public static void createTopics(String bootstrap, Topics topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_CATALOG_RECORD_BYTES));
            createIfAbsent(admin, List.of(
                    new NewTopic(topics.requested(), topics.partitions(), topics.replicationFactor()),
                    new NewTopic(topics.sales(), 1, topics.replicationFactor()).configs(compacted),
                    new NewTopic(topics.seats(), 1, topics.replicationFactor()).configs(compacted),
                    new NewTopic(topics.availability(), 1, topics.replicationFactor()).configs(compacted),
                    // The rooms (admission), which the sale view reads beside the sales.
                    new NewTopic(AdmissionTopics.of(topics).rooms(), 1, topics.replicationFactor()).configs(compacted)));
        }
    }

    private static void createIfAbsent(Admin admin, List<NewTopic> topics) throws Exception {
        for (NewTopic topic : topics) {
            try {
                admin.createTopics(List.of(topic)).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Publishes {@link CatalogRecord}s and {@link Sale}s (a sale's seat chunks first, then the sale,
     * as the relay does). The seats topic is created if the test did not: tests written before it
     * existed create only the other two.
     */
    public static void publish(String bootstrap, Topics topics, Object... records) throws Exception {
        if (Arrays.stream(records).anyMatch(Sale.class::isInstance)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                createIfAbsent(admin, List.of(new NewTopic(topics.seats(), 1, topics.replicationFactor()).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_CATALOG_RECORD_BYTES)))));
            }
        }
        try (KafkaProducer<String, CatalogRecord> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_CATALOG_RECORD_BYTES),
                new StringSerializer(), CatalogSerde.records())) {
            for (Object record : records) {
                switch (record) {
                    case Sale sale -> {
                        List<Future<?>> sent = new ArrayList<>();
                        sale.chunks().forEach(chunk -> sent.add(producer.send(
                                new ProducerRecord<>(topics.seats(), chunk.key(), chunk))));
                        for (Future<?> send : sent) {
                            send.get();
                        }
                        send(producer, topics, sale.definition());
                    }
                    case CatalogRecord catalogRecord -> send(producer, topics, catalogRecord);
                    default -> throw new IllegalArgumentException("not a catalogue record: " + record);
                }
            }
        }
    }

    private static void send(KafkaProducer<String, CatalogRecord> producer, Topics topics, CatalogRecord record)
            throws Exception {
        String topic = switch (record) {
            case SaleDefined sale -> topics.sales();
            case SeatChunk chunk -> topics.seats();
            case ItemAvailability item -> topics.availability();
        };
        producer.send(new ProducerRecord<>(topic, record.key(), record)).get();
    }

    /**
     * A sale as the relay publishes it: its definition and its seated items' seat chunks, made on
     * demand (a sale of ten million seats is never in the test's memory at once).
     */
    public record Sale(SaleDefined definition, Supplier<Stream<SeatChunk>> seatChunks) {

        public Stream<SeatChunk> chunks() {
            return seatChunks.get();
        }
    }

    /** A sale open since an hour ago (or opening at {@code opensAt}) with a stock item and a seated one. */
    public static Sale sale(String saleId, Instant opensAt, int perCustomerLimit, String stockSku, String seatedSku,
            String... seats) {
        SaleId id = SaleId.of(saleId);
        List<SeatId> seatIds = Arrays.stream(seats).map(SeatId::of).toList();
        SaleDefined definition = SaleDefined.of(id, "Test sale " + saleId, opensAt, perCustomerLimit, List.of(
                ItemDefinition.stock(Sku.of(stockSku), 1_000), ItemDefinition.seated(Sku.of(seatedSku), seats.length)));
        return new Sale(definition, () -> SeatChunk.split(id, Sku.of(seatedSku), seatIds).stream());
    }

    /** A stock-only sale with a pre-queue: orders are taken from {@code prequeueOpensAt}. */
    public static Sale prequeueSale(String saleId, Instant prequeueOpensAt, Instant opensAt, String stockSku) {
        SaleDefined definition = SaleDefined.of(SaleId.of(saleId), "Test sale " + saleId, opensAt, 4,
                List.of(ItemDefinition.stock(Sku.of(stockSku), 1_000)), prequeueOpensAt);
        return new Sale(definition, Stream::empty);
    }

    public static Instant anHourAgo() {
        return Instant.now().minus(Duration.ofHours(1));
    }

    /** Waits until the service's readiness is UP: its sale view has read the catalogue. */
    public static void awaitReady(int port) {
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200);
    }
}
