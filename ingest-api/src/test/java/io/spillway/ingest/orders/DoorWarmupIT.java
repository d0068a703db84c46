package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.Topics;
import io.spillway.contract.spring.WarmupGate;
import io.spillway.contract.spring.WarmupMark;
import io.spillway.ingest.CatalogFixture;
import io.spillway.ingest.IngestApplication;
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
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With the warm-up on, a started instance is not ready while its door's hot path runs, is ready
 * after, and the warm-up's orders left no trace: the broker got no record, the door's counter
 * counted none, and the warm-up's sale and secret are gone once it is over. The first real order
 * after it is taken as usual.
 */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.warmup.enabled=true",
            "spillway.warmup.min-duration=4s",
            "spillway.warmup.max-duration=20s",
            "spillway.warmup.threads=4",
            "spillway.order-token.secret=door-warmup-it-secret-of-at-least-32-bytes",
            "spillway.ingest.payment.tokens=door-warmup-it-payment-token-of-32-bytes"
        })
class DoorWarmupIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @Autowired
    private WarmupGate gate;

    @Autowired
    private KafkaTemplate<String, OrderRequested> orderTemplate;

    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry, TOPICS);
    }

    @Test
    void theDoorWarmsBeforeItIsReadyAndItsWarmupOrdersLeaveNoTrace() throws Exception {
        // The context is up, the warm-up runs for four seconds at least: not ready.
        assertThat(gate.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(readiness()).isEqualTo(503);

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> readiness() == 200);

        Map<String, Object> details = gate.health().getDetails();
        assertThat(details).containsEntry("state", "warm").containsEntry("failed", 0L);
        assertThat((Long) details.get("rounds")).as("warm-up orders answered 202").isGreaterThan(100);
        assertThat(orderTemplate.metrics().entrySet().stream()
                        .filter(e -> e.getKey().group().equals("producer-metrics") && e.getKey().name().equals("record-send-total"))
                        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                        .sum())
                .as("records the order producer sent").isZero();
        assertThat(endOffsetsOfRequested()).as("orders.requested after the warm-up").isZero();
        assertThat(accepted()).as("spillway.ingest.orders.accepted").isZero();
        assertThat(meters.find("http.server.requests").tag("uri", "/api/v1/orders").timers())
                .as("the warm-up's requests in http.server.requests").isEmpty();

        // The lane is closed: its sale is not the door's, whatever header a request bears.
        HttpResponse<String> afterwards = order("spillway-warmup", "warmup-ga", "anything");
        assertThat(afterwards.statusCode()).as(afterwards.body()).isEqualTo(422);
        assertThat(afterwards.body()).contains("unknown-sale");

        // A buyer's order is taken as usual, and counted.
        CatalogFixture.publish(SharedInfrastructure.kafkaBootstrapServers(), TOPICS,
                CatalogFixture.sale("after-warmup", CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> first = order("after-warmup", "GA", null);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        });
        assertThat(endOffsetsOfRequested()).isEqualTo(1);
        assertThat(accepted()).isEqualTo(1.0);
    }

    private HttpResponse<String> order(String saleId, String sku, String warmupHeader) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                .POST(BodyPublishers.ofString("{\"saleId\":\"" + saleId + "\",\"sku\":\"" + sku + "\",\"quantity\":1}"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "door-warmup-it-" + saleId)
                .header("X-Customer-Id", "buyer-" + UUID.nameUUIDFromBytes(saleId.getBytes()))
                .timeout(Duration.ofSeconds(10));
        if (warmupHeader != null) {
            request.header(WarmupMark.HEADER, warmupHeader);
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private double accepted() {
        return meters.get("spillway.ingest.orders.accepted").counter().count();
    }

    private long endOffsetsOfRequested() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            admin.describeTopics(List.of(TOPICS.requested())).allTopicNames().get().get(TOPICS.requested())
                    .partitions().forEach(p -> latest.put(new TopicPartition(TOPICS.requested(), p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    private int readiness() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                BodyHandlers.discarding()).statusCode();
    }
}
