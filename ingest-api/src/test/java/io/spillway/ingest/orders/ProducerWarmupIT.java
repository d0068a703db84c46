package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.OrderRequested;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.ingest.CatalogFixture;
import io.spillway.ingest.IngestApplication;
import io.spillway.ingest.catalog.CatalogView;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The instance is not ready until its order producer knows {@code orders.requested}, and once it
 * says it is, the first order is taken at once. The topic is kept from existing at start-up (the
 * service does not create topics here and the shared broker does not create them on first use),
 * so the producer cannot warm: readiness stays DOWN although the sale view has loaded; once the
 * topic appears the producer warms by itself, readiness turns UP and the first order gets 202.
 */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.topics.create=false",
            "spillway.order-token.secret=producer-warmup-it-secret-of-32-bytes",
            "spillway.ingest.payment.tokens=producer-warmup-it-payment-token-of-32-bytes",
            "spillway.ingest.max-block=300ms",
            "spillway.ingest.send-timeout=1500ms"
        })
// The producer keeps asking for the topic's metadata until it exists; close it with the class.
@DirtiesContext
class ProducerWarmupIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @Autowired
    private CatalogView view;

    @Autowired
    private ProducerWarmup warmup;

    @Autowired
    private KafkaTemplate<String, OrderRequested> orderTemplate;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry, TOPICS);
    }

    /** The catalogue (and the rooms) only: orders.requested does not exist when the service starts. */
    @BeforeAll
    static void catalogue() throws Exception {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(
                            new NewTopic(TOPICS.sales(), 1, TOPICS.replicationFactor()).configs(compacted),
                            new NewTopic(TOPICS.availability(), 1, TOPICS.replicationFactor()).configs(compacted),
                            new NewTopic(AdmissionTopics.of(TOPICS).rooms(), 1, TOPICS.replicationFactor()).configs(compacted)))
                    .all().get();
        }
        CatalogFixture.publish(bootstrap, TOPICS,
                CatalogFixture.sale("warmup", CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1"));
    }

    @Test
    void readinessWaitsForTheProducerAndTheFirstOrderAfterItIsAccepted() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(view::isCaughtUp);

        // The sale view is up, the producer cannot be: readiness holds DOWN for as long as that lasts.
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> readiness() == 503 && !warmup.isWarm());
        assertThat(warmup.health().getStatus()).isEqualTo(Status.DOWN);

        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPICS.requested(), TOPICS.partitions(), TOPICS.replicationFactor())))
                    .all().get();
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> readiness() == 200);

        assertThat(warmup.health().getStatus()).isEqualTo(Status.UP);
        assertThat(warmup.health().getDetails()).containsEntry("partitions", TOPICS.partitions());
        // Ready came from the warm-up, not from an order: nothing was sent yet. The first order then
        // finds the producer connected and the topic known, and is accepted.
        assertThat(producerMetric("record-send-total")).isZero();
        HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                        .POST(BodyPublishers.ofString("{\"saleId\":\"warmup\",\"sku\":\"GA\",\"quantity\":1}"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .header("X-Customer-Id", "first-buyer")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                BodyHandlers.ofString());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    }

    private double producerMetric(String name) {
        return orderTemplate.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("producer-metrics") && e.getKey().name().equals(name))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no producer metric " + name));
    }

    private int readiness() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                BodyHandlers.discarding()).statusCode();
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers()));
    }
}
