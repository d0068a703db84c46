package io.spillway.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Behind a trusted gateway (here the loopback), the per-address bucket counts each buyer's address. */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.order-token.secret=forwarded-it-secret-of-at-least-32-bytes!",
            "spillway.ingest.payment.tokens=forwarded-it-payment-token-of-32-bytes!",
            "spillway.ingest.gateway.trusted-proxies=127.0.0.1/32,::1/128",
            "spillway.ingest.rate-limit.address.requests=2",
            "spillway.ingest.rate-limit.address.per=1h"
        })
class ForwardedAddressIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();

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
                CatalogFixture.sale("forwarded", CatalogFixture.anHourAgo(), 100, "GA", "VIP", "A-1"));
    }

    @Test
    void eachBuyerBehindTheGatewayHasItsOwnAddressBucketAndAForgedHopDoesNotEscapeIt() throws Exception {
        CatalogFixture.awaitReady(port);
        assertThat(order("203.0.113.7").statusCode()).isEqualTo(202);
        assertThat(order("203.0.113.7").statusCode()).isEqualTo(202);

        HttpResponse<String> refused = order("203.0.113.7");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"address\";q=2;w=3600");
        // What the buyer wrote before the gateway's hop does not make it someone else.
        assertThat(order("198.51.100.1, 203.0.113.7").statusCode()).isEqualTo(429);

        assertThat(order("203.0.113.8").statusCode()).isEqualTo(202);
    }

    private HttpResponse<String> order(String forwardedFor) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                        .POST(BodyPublishers.ofString("{\"saleId\":\"forwarded\",\"sku\":\"GA\",\"quantity\":1}"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .header("X-Customer-Id", "buyer-" + UUID.randomUUID())
                        .header("X-Forwarded-For", forwardedFor)
                        .build(),
                BodyHandlers.ofString());
    }
}
