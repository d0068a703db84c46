package io.spillway.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A customer over its bucket gets 429 with the draft's headers; another customer is not affected. */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.order-token.secret=rate-limit-it-secret-of-at-least-32-bytes",
            "spillway.ingest.payment.tokens=rate-limit-it-payment-token-of-32-bytes",
            "spillway.ingest.rate-limit.customer.requests=3",
            "spillway.ingest.rate-limit.customer.per=1h"
        })
class RateLimitIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry, TOPICS);
    }

    @BeforeAll
    static void sale() throws Exception {
        CatalogFixture.createTopics(SharedInfrastructure.kafkaBootstrapServers(), TOPICS);
        CatalogFixture.publish(SharedInfrastructure.kafkaBootstrapServers(), TOPICS,
                CatalogFixture.sale("limited", CatalogFixture.anHourAgo(), 4, "GA", "VIP", "A-1"));
    }

    @Test
    void aCustomerOverItsBucketGets429WithRateLimitHeadersAndOthersDoNot() throws Exception {
        CatalogFixture.awaitReady(port);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> accepted = order("greedy");
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(accepted.headers().firstValue("RateLimit-Policy")).hasValue("\"customer\";q=3;w=3600");
            assertThat(accepted.headers().firstValue("RateLimit")).hasValue("\"customer\";r=" + (2 - i) + ";t=0");
        }

        HttpResponse<String> refused = order("greedy");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(refused.body()).get("type").asText()).isEqualTo("urn:spillway:problem:rate-limited");
        // Three per hour refill one every 20 minutes.
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1100L, 1200L);
        assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"customer\";q=3;w=3600");
        assertThat(refused.headers().firstValue("RateLimit")).hasValue("\"customer\";r=0;t=" + retryAfter);

        assertThat(order("patient").statusCode()).isEqualTo(202);
        assertThat(order("greedy").statusCode()).isEqualTo(429);
    }

    private HttpResponse<String> order(String customer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                        .POST(BodyPublishers.ofString("{\"saleId\":\"limited\",\"sku\":\"GA\",\"quantity\":1}"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .header("X-Customer-Id", customer)
                        .build(),
                BodyHandlers.ofString());
    }
}
