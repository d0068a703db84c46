package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.ingest.IngestApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A broker that cannot be reached from the start: the sale view can never load, so the instance is
 * not ready and the door answers 503 with Retry-After at once, never 202 (it does not judge orders
 * against an empty view). The app points at a port where nothing listens, so the shared broker is
 * left alone; BrokerRestartIT covers a broker that goes away after start-up.
 */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.topics.create=false",
            "spillway.order-token.secret=unreachable-broker-it-secret-of-32-bytes",
            "spillway.ingest.payment.tokens=unreachable-broker-it-payment-token-of-32-bytes",
            "spillway.ingest.send-timeout=1500ms",
            "spillway.ingest.max-block=500ms",
            "spillway.ingest.retry-after=2s"
        })
// The producer keeps trying to reconnect while the context lives; close it with the class.
@DirtiesContext
class UnreachableBrokerIT {

    private static final Duration SEND_TIMEOUT = Duration.ofMillis(1500);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + portWhereNothingListens());
    }

    @Test
    void aBrokerThatCannotBeReachedGets503WithinTheTimeoutAndNever202() throws Exception {
        HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(503);
        for (int attempt = 0; attempt < 3; attempt++) {
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                            .POST(BodyPublishers.ofString("{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1}"))
                            .header("Content-Type", "application/json")
                            .header("Idempotency-Key", UUID.randomUUID().toString())
                            .header("X-Customer-Id", "buyer-1")
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    BodyHandlers.ofString());
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(took).isLessThan(SEND_TIMEOUT.plusMillis(500));
            assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            JsonNode problem = JSON.readTree(response.body());
            assertThat(problem.get("status").asInt()).isEqualTo(503);
            assertThat(problem.get("type").asText()).isEqualTo("urn:spillway:problem:not-ready");
        }
    }

    private static int portWhereNothingListens() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
