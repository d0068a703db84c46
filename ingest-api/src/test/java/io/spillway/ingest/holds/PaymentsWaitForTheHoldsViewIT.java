package io.spillway.ingest.holds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.Topics;
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
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Until the holds view has read {@code orders.holds} to its end, payments are answered 503 and
 * publish nothing, while orders and cancellations are served. The view is kept from loading, without
 * waiting for anything, by a holds topic that does not exist (and that reading never creates).
 */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.topics.create=false",
            "spillway.order-token.secret=" + PaymentsWaitForTheHoldsViewIT.ORDER_SECRET,
            "spillway.ingest.payment.tokens=" + PaymentsWaitForTheHoldsViewIT.PAYMENT_TOKEN
        })
class PaymentsWaitForTheHoldsViewIT {

    static final String ORDER_SECRET = "holds-view-it-order-secret-of-32-bytes";
    static final String PAYMENT_TOKEN = "holds-view-it-payment-token-of-32-bytes";
    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CommandsTopic commands;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry, TOPICS);
        registry.add("spillway.topics.commands", TOPICS::commands);
        registry.add("spillway.topics.holds", TOPICS::holds);
    }

    @BeforeAll
    static void topics() throws Exception {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        CatalogFixture.createTopics(bootstrap, TOPICS);
        commands = new CommandsTopic(bootstrap, TOPICS);
        commands.create(false);
    }

    @AfterAll
    static void close() {
        commands.close();
    }

    @Test
    void aPaymentIs503NotReadyWithRetryAfterWhileOrdersAndCancelsAreServed() throws Exception {
        CatalogFixture.awaitReady(port);
        Map<TopicPartition, Long> before = commands.endOffsets();
        OrderId orderId = new OrderId(UUID.randomUUID());

        HttpResponse<String> payment = post("/api/v1/orders/" + orderId + "/payment", "{\"paymentRef\":\"ref-1\"}",
                "Bearer " + PAYMENT_TOKEN);

        assertThat(payment.statusCode()).as(payment.body()).isEqualTo(503);
        assertThat(payment.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(payment.body()).get("type").asText()).isEqualTo("urn:spillway:problem:not-ready");
        assertThat(payment.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(commands.endOffsets()).isEqualTo(before);

        // The order door judges orders as ever (no sale here: 422, not 503).
        HttpResponse<String> order = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                        .POST(BodyPublishers.ofString("{\"saleId\":\"no-such-sale\",\"sku\":\"GA\",\"quantity\":1}"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", "key-1")
                        .header("X-Customer-Id", "buyer-1")
                        .build(),
                BodyHandlers.ofString());
        assertThat(order.statusCode()).as(order.body()).isEqualTo(422);
        // A cancel needs no holds view.
        String token = new OrderTokens(ORDER_SECRET).tokenFor(orderId);
        assertThat(post("/api/v1/orders/" + orderId + "/cancel?token=" + token, "", null).statusCode()).isEqualTo(202);
    }

    private HttpResponse<String> post(String pathAndQuery, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .POST(BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "key-1");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }
}
