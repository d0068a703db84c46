package io.spillway.ingest;

import io.spillway.contract.CatalogRecord;
import io.spillway.contract.CatalogSerde;
import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
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
 * catalogue and the sales it needs, written as {@link SaleDefined} records.
 */
public final class CatalogFixture {

    private CatalogFixture() {}

    /** Creates the order topics and the compacted catalogue topics, as the services would. */
    public static void createTopics(String bootstrap, Topics topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_CATALOG_RECORD_BYTES));
            List<NewTopic> all = List.of(
                    new NewTopic(topics.requested(), topics.partitions(), topics.replicationFactor()),
                    new NewTopic(topics.sales(), 1, topics.replicationFactor()).configs(compacted),
                    new NewTopic(topics.availability(), 1, topics.replicationFactor()).configs(compacted));
            try {
                admin.createTopics(all).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    public static void publish(String bootstrap, Topics topics, CatalogRecord... records) throws Exception {
        try (KafkaProducer<String, CatalogRecord> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), CatalogSerde.records())) {
            for (CatalogRecord record : Arrays.asList(records)) {
                String topic = record instanceof SaleDefined ? topics.sales() : topics.availability();
                producer.send(new ProducerRecord<>(topic, record.key(), record)).get();
            }
        }
    }

    /** A sale open since an hour ago (or opening at {@code opensAt}) with a stock item and a seated one. */
    public static SaleDefined sale(String saleId, Instant opensAt, int perCustomerLimit, String stockSku, String seatedSku,
            String... seats) {
        return SaleDefined.of(SaleId.of(saleId), "Test sale " + saleId, opensAt, perCustomerLimit, List.of(
                new ItemDefinition(Sku.of(stockSku), ItemKind.STOCK, 1_000, List.of()),
                new ItemDefinition(Sku.of(seatedSku), ItemKind.SEATED, seats.length,
                        Arrays.stream(seats).map(SeatId::of).toList())));
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
