package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.Topics;
import io.spillway.ingest.CatalogFixture;
import io.spillway.ingest.IngestApplication;
import io.spillway.localstack.KafkaBroker;
import io.spillway.localstack.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A broker that goes away under a running service and comes back: 503 within the send timeout and
 * never 202 while it is away, 202 again once it is back, without restarting the service. The broker
 * is this test's own (stopped and started on the same port and directory); the shared one is never
 * touched.
 */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.order-token.secret=broker-restart-it-secret-of-32-bytes",
            "spillway.ingest.send-timeout=1500ms",
            "spillway.ingest.max-block=500ms",
            "spillway.ingest.retry-after=2s",
            "spillway.topics.partitions=3"
        })
@DirtiesContext
class BrokerRestartIT {

    private static final Duration SEND_TIMEOUT = Duration.ofMillis(1500);
    private static final Topics TOPICS = new Topics("orders.requested", "orders.results", "orders.dlq", 3, (short) 1);
    private static final String ORDER = "{\"saleId\":\"restart\",\"sku\":\"GA\",\"quantity\":1}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path directory;
    private static int brokerPort;
    private static int controllerPort;
    private static KafkaBroker broker;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @BeforeAll
    static void startBroker() throws Exception {
        directory = Files.createTempDirectory("ingest-broker-restart");
        brokerPort = Ports.free();
        controllerPort = Ports.free();
        broker = KafkaBroker.start(directory, brokerPort, controllerPort);
        CatalogFixture.createTopics(broker.bootstrapServers(), TOPICS);
        CatalogFixture.publish(broker.bootstrapServers(), TOPICS,
                CatalogFixture.sale("restart", CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + brokerPort);
    }

    @Test
    void aStoppedBrokerGets503InTimeAndABrokerBackGets202WithoutARestart() throws Exception {
        CatalogFixture.awaitReady(port);
        assertThat(order().statusCode()).isEqualTo(202);

        broker.close();
        broker = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            long start = System.nanoTime();
            HttpResponse<String> response = order();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(took).isLessThan(SEND_TIMEOUT.plusMillis(500));
            assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(JSON.readTree(response.body()).get("type").asText())
                    .isEqualTo("urn:spillway:problem:not-accepted");
        }

        broker = KafkaBroker.start(directory, brokerPort, controllerPort);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> response = order();
            assertThat(response.statusCode()).isIn(202, 503);
            assertThat(response.statusCode()).isEqualTo(202);
        });
    }

    private HttpResponse<String> order() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                        .POST(BodyPublishers.ofString(ORDER))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .header("X-Customer-Id", "buyer-" + UUID.randomUUID().toString().substring(0, 8))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                BodyHandlers.ofString());
    }
}
