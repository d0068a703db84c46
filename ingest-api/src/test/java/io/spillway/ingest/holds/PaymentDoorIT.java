package io.spillway.ingest.holds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.CancelRequested;
import io.spillway.contract.OrderCommand;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.PaymentReceived;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The payment and cancel doors against the real broker: every refusal in the design's table gets
 * its status as problem+json and leaves {@code orders.commands} as it was; a payment for a held order
 * (the hold published on {@code orders.holds} as the processor would) is one {@code PaymentReceived}
 * whose id is the same for the same key; a cancel with the order's token is one
 * {@code CancelRequested}.
 */
@SpringBootTest(
        classes = IngestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.order-token.secret=" + PaymentDoorIT.ORDER_SECRET,
            "spillway.ingest.payment.tokens=" + PaymentDoorIT.PAYMENT_TOKEN + "," + PaymentDoorIT.NEXT_PAYMENT_TOKEN,
            "spillway.ingest.rate-limit.per-order.requests=3",
            "spillway.ingest.rate-limit.per-order.per=1h"
        })
class PaymentDoorIT {

    static final String ORDER_SECRET = "payment-door-it-order-secret-of-32-bytes";
    static final String PAYMENT_TOKEN = "payment-door-it-payment-token-of-32-bytes";
    static final String NEXT_PAYMENT_TOKEN = "payment-door-it-next-payment-token-of-32-bytes";
    /** What an operator holds: it opens the admin console, never a payment. */
    private static final String ADMIN_TOKEN = "payment-door-it-admin-token-of-32-bytes";
    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OrderTokens ORDER_TOKENS = new OrderTokens(ORDER_SECRET);

    private static CommandsTopic commands;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    private int port;

    @Autowired
    private HoldBook book;

    @Autowired
    private HoldsView view;

    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.kafka(registry, TOPICS);
        registry.add("spillway.topics.commands", TOPICS::commands);
        registry.add("spillway.topics.holds", TOPICS::holds);
        registry.add("spillway.inventory.admin-token", () -> ADMIN_TOKEN);
    }

    @BeforeAll
    static void topics() throws Exception {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        CatalogFixture.createTopics(bootstrap, TOPICS);
        commands = new CommandsTopic(bootstrap, TOPICS);
        commands.create(true);
    }

    @AfterAll
    static void close() {
        commands.close();
    }

    @BeforeEach
    void ready() {
        CatalogFixture.awaitReady(port);
        await().atMost(Duration.ofSeconds(30)).until(view::isCaughtUp);
    }

    @Test
    void aPaymentForAHeldOrderIsOnePaymentReceivedAndTheSameKeyAgainIsTheSameCommand() throws Exception {
        OrderId orderId = held();
        Map<TopicPartition, Long> before = commands.endOffsets();

        HttpResponse<String> first = pay(orderId, "key-1", "{\"paymentRef\":\"psp:ch_3Nx.9-1\"}", PAYMENT_TOKEN);
        HttpResponse<String> again = pay(orderId, "key-1", "{\"paymentRef\":\"psp:ch_3Nx.9-1\"}", NEXT_PAYMENT_TOKEN);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        String token = ORDER_TOKENS.tokenFor(orderId);
        assertThat(JSON.readTree(first.body())).isEqualTo(JSON.readTree("""
                {"orderId":"%1$s","paymentRef":"psp:ch_3Nx.9-1",
                 "links":{"status":"/api/v1/orders/%1$s?token=%2$s","events":"/api/v1/orders/%1$s/events?token=%2$s"}}
                """.formatted(orderId, token)));
        assertThat(again.statusCode()).isEqualTo(202);
        List<ConsumerRecord<String, OrderCommand>> sent = commands.between(before, commands.endOffsets());
        assertThat(sent).hasSize(2).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo(orderId.toString());
            assertThat(record.value()).isInstanceOfSatisfying(PaymentReceived.class, payment -> {
                assertThat(payment.commandId()).isEqualTo(PaymentReceived.commandId(orderId, "key-1"));
                assertThat(payment.orderId()).isEqualTo(orderId);
                assertThat(payment.paymentRef()).isEqualTo("psp:ch_3Nx.9-1");
                assertThat(payment.acceptedAt()).isBefore(Instant.now());
            });
        });
        assertThat(sent.get(0).partition()).isEqualTo(sent.get(1).partition());
    }

    @Test
    void noCredentialAWrongOneTheAdminTokenAndAnOrderTokenAre401BeforeAnythingAboutTheOrder() throws Exception {
        OrderId orderId = held();
        Map<TopicPartition, Long> before = commands.endOffsets();

        for (String credential : new String[] {null, "", "wrong-token-of-at-least-thirty-two-bytes", ADMIN_TOKEN,
                ORDER_TOKENS.tokenFor(orderId), ORDER_SECRET}) {
            HttpResponse<String> refused = pay(orderId, "key-1", "{\"paymentRef\":\"ref-1\"}", credential);

            assertProblem(refused, 401, "unauthorized");
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        }
        // Not even whether the order exists is said without the credential.
        assertProblem(pay("not-a-uuid", "key-1", "{\"paymentRef\":\"ref-1\"}", null), 401, "unauthorized");
        assertThat(commands.endOffsets()).isEqualTo(before);
        assertThat(meters.get("spillway.ingest.commands.refused")
                        .tags("command", "payment", "status", "401", "reason", "unauthorized").counter().count())
                .isGreaterThanOrEqualTo(7);
    }

    @Test
    void anIdThatIsNoUuidAndAnOrderNeverHeldAre404() throws Exception {
        Map<TopicPartition, Long> before = commands.endOffsets();

        assertProblem(pay("not-a-uuid", "key-1", "{\"paymentRef\":\"ref-1\"}", PAYMENT_TOKEN), 404, "unknown-order");
        assertProblem(pay(new OrderId(UUID.randomUUID()), "key-1", "{\"paymentRef\":\"ref-1\"}", PAYMENT_TOKEN), 404,
                "unknown-order");

        assertThat(commands.endOffsets()).isEqualTo(before);
    }

    @Test
    void aBodyThatIsNotJsonIs415AndOneOver1KiBIs413() throws Exception {
        OrderId orderId = held();
        Map<TopicPartition, Long> before = commands.endOffsets();

        assertProblem(send(path(orderId, "payment"), "{\"paymentRef\":\"ref-1\"}", b -> b
                .header("Authorization", "Bearer " + PAYMENT_TOKEN)
                .header("Idempotency-Key", "key-1")
                .header("Content-Type", "text/plain")), 415, "unsupported-media-type");
        assertProblem(pay(orderId, "key-1", "{\"paymentRef\":\"" + "r".repeat(2048) + "\"}", PAYMENT_TOKEN), 413,
                "body-too-large");

        assertThat(commands.endOffsets()).isEqualTo(before);
    }

    @Test
    void aBadReferenceAMissingKeyAndAnExtraFieldAre400NamingEach() throws Exception {
        OrderId orderId = held();
        Map<TopicPartition, Long> before = commands.endOffsets();

        assertErrors(pay(orderId, "key-1", "{\"paymentRef\":\"has spaces\"}", PAYMENT_TOKEN), "paymentRef");
        assertErrors(pay(orderId, "key-1", "{\"paymentRef\":\"" + "r".repeat(129) + "\"}", PAYMENT_TOKEN), "paymentRef");
        assertErrors(pay(orderId, "key-1", "{\"paymentRef\":7}", PAYMENT_TOKEN), "paymentRef");
        assertErrors(pay(orderId, null, "{\"paymentRef\":\"ref-1\"}", PAYMENT_TOKEN), "Idempotency-Key");
        assertErrors(pay(orderId, "key with spaces", "{\"paymentRef\":\"ref-1\"}", PAYMENT_TOKEN), "Idempotency-Key");
        assertErrors(pay(orderId, "key-1", "{\"paymentRef\":\"ref-1\",\"amount\":10}", PAYMENT_TOKEN), "amount");
        assertErrors(pay(orderId, "key-1", "{}", PAYMENT_TOKEN), "paymentRef");
        assertErrors(pay(orderId, "key-1", "[\"ref-1\"]", PAYMENT_TOKEN), "body");
        assertErrors(pay(orderId, "key-1", "", PAYMENT_TOKEN), "body");

        assertThat(commands.endOffsets()).isEqualTo(before);
    }

    @Test
    void anOrderPaidTooOftenIs429WithRateLimitHeadersAndPublishesNothingMore() throws Exception {
        OrderId orderId = held();
        for (int i = 0; i < 3; i++) {
            assertThat(pay(orderId, "key-" + i, "{\"paymentRef\":\"ref-" + i + "\"}", PAYMENT_TOKEN).statusCode())
                    .isEqualTo(202);
        }
        Map<TopicPartition, Long> before = commands.endOffsets();

        HttpResponse<String> refused = pay(orderId, "key-3", "{\"paymentRef\":\"ref-3\"}", PAYMENT_TOKEN);

        assertProblem(refused, 429, "rate-limited");
        assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"per-order\";q=3;w=3600");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isPositive();
        assertThat(refused.headers().firstValue("RateLimit")).hasValue("\"per-order\";r=0;t=" + retryAfter);
        assertThat(commands.endOffsets()).isEqualTo(before);
        // Another order is not slowed by this one.
        assertThat(pay(held(), "key-1", "{\"paymentRef\":\"ref-1\"}", PAYMENT_TOKEN).statusCode()).isEqualTo(202);
    }

    @Test
    void aCancelWithTheOrdersTokenIsOneCancelRequestedAndAWrongTokenIs404() throws Exception {
        OrderId orderId = new OrderId(UUID.randomUUID());
        String token = ORDER_TOKENS.tokenFor(orderId);
        Map<TopicPartition, Long> before = commands.endOffsets();

        assertProblem(cancel(path(orderId, "cancel") + "?token=" + ORDER_TOKENS.tokenFor(new OrderId(UUID.randomUUID())),
                "", null), 404, "unknown-order");
        assertProblem(cancel(path(orderId, "cancel"), "", null), 404, "unknown-order");
        assertProblem(cancel("/api/v1/orders/not-a-uuid/cancel?token=" + token, "", null), 404, "unknown-order");
        assertProblem(cancel(path(orderId, "cancel"), "", PAYMENT_TOKEN), 404, "unknown-order");
        assertErrors(cancel(path(orderId, "cancel") + "?token=" + token, "{\"reason\":\"changed my mind\"}", null),
                "reason");
        assertErrors(cancel(path(orderId, "cancel") + "?token=" + token, "nonsense", null), "body");
        assertProblem(cancel(path(orderId, "cancel") + "?token=" + token, "{" + " ".repeat(2048) + "}", null), 413,
                "body-too-large");
        assertThat(commands.endOffsets()).isEqualTo(before);

        HttpResponse<String> accepted = cancel(path(orderId, "cancel") + "?token=" + token, "", null);

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(JSON.readTree(accepted.body())).isEqualTo(JSON.readTree("""
                {"orderId":"%1$s",
                 "links":{"status":"/api/v1/orders/%1$s?token=%2$s","events":"/api/v1/orders/%1$s/events?token=%2$s"}}
                """.formatted(orderId, token)));
        List<ConsumerRecord<String, OrderCommand>> sent = commands.between(before, commands.endOffsets());
        assertThat(sent).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(orderId.toString());
            assertThat(record.value()).isInstanceOfSatisfying(CancelRequested.class,
                    cancel -> assertThat(cancel.orderId()).isEqualTo(orderId));
        });
        assertThat(meters.get("spillway.ingest.commands.refused")
                        .tags("command", "cancel", "status", "404", "reason", "unknown-order").counter().count())
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void aCancelTakesTheTokenAsBearerAndABodyOfAnEmptyObject() throws Exception {
        OrderId orderId = new OrderId(UUID.randomUUID());
        Map<TopicPartition, Long> before = commands.endOffsets();

        HttpResponse<String> accepted = cancel(path(orderId, "cancel"), "{}", ORDER_TOKENS.tokenFor(orderId));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(commands.between(before, commands.endOffsets())).singleElement()
                .satisfies(record -> assertThat(record.value()).isInstanceOf(CancelRequested.class));
    }

    // --- helpers

    /** A new order with a hold opened on the topic and seen by the door. */
    private OrderId held() throws Exception {
        OrderId orderId = new OrderId(UUID.randomUUID());
        commands.openHold(orderId, Instant.now().plus(Duration.ofMinutes(10)));
        await().atMost(Duration.ofSeconds(30)).until(() -> book.deadline(orderId).isPresent());
        return orderId;
    }

    private static String path(OrderId orderId, String command) {
        return "/api/v1/orders/" + orderId + "/" + command;
    }

    private HttpResponse<String> pay(OrderId orderId, String key, String body, String credential) throws Exception {
        return pay(orderId.toString(), key, body, credential);
    }

    private HttpResponse<String> pay(String orderId, String key, String body, String credential) throws Exception {
        return send("/api/v1/orders/" + orderId + "/payment", body, b -> {
            b.header("Content-Type", "application/json");
            if (key != null) {
                b.header("Idempotency-Key", key);
            }
            if (credential != null) {
                b.header("Authorization", "Bearer " + credential);
            }
            return b;
        });
    }

    private HttpResponse<String> cancel(String pathAndQuery, String body, String bearer) throws Exception {
        return send(pathAndQuery, body, b -> bearer == null ? b : b.header("Authorization", "Bearer " + bearer));
    }

    private HttpResponse<String> send(String pathAndQuery, String body, UnaryOperator<HttpRequest.Builder> headers)
            throws Exception {
        return http.send(headers.apply(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                        .POST(BodyPublishers.ofString(body))).build(),
                BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String slug) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asText()).isEqualTo("urn:spillway:problem:" + slug);
    }

    private static void assertErrors(HttpResponse<String> response, String field) throws Exception {
        assertProblem(response, 400, "invalid-request");
        assertThat(JSON.readTree(response.body()).get("errors"))
                .anySatisfy(error -> assertThat(error.get("field").asText()).isEqualTo(field));
    }
}
