package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderId;
import io.spillway.contract.SaleId;
import io.spillway.contract.Topics;
import io.spillway.notifier.status.OrderStatusStore;
import io.spillway.testing.SharedInfrastructure;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The warm-up gate with the notifier's round ({@link OrderWarmup}), against the real broker: an
 * instance started with the warm-up on is not ready while it warms, is ready after, has run the
 * buyers' path many times without a failure, and has left nothing a buyer or a dashboard could see.
 */
class WarmupBeforeReadinessIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final String SECRET = "warmup-it-" + UUID.randomUUID();
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String ORDER_ROUTES = "/api/v1/orders/";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anInstanceIsNotReadyWhileItWarmsThenReadyWithManyRoundsDoneAndNothingLeftBehind() throws Exception {
        try (NotifierInstance instance = new NotifierInstance(TOPICS, "notifier-warmup-" + UUID.randomUUID(), SECRET, 2)
                .with("spillway.warmup.enabled", true)
                .with("spillway.warmup.min-duration", "3s")
                .with("spillway.warmup.max-duration", "10s")
                .with("management.endpoint.health.group.readiness.show-components", "always")
                .with("management.endpoint.health.group.readiness.show-details", "always")) {
            CompletableFuture<NotifierInstance> starting = CompletableFuture.supplyAsync(instance::start);
            List<JsonNode> answers = new CopyOnWriteArrayList<>();
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
                JsonNode readiness = instance.readinessAnswer(http, json);
                if (readiness.has("status")) {
                    answers.add(readiness);
                }
                return readiness.path("status").asText().equals("UP");
            });
            starting.join();

            // While the gate was warming, the instance said so and was not ready; it was never ready before the gate.
            assertThat(answers).anySatisfy(answer -> {
                assertThat(answer.at("/components/warmup/status").asText()).isEqualTo("OUT_OF_SERVICE");
                assertThat(answer.path("status").asText()).isEqualTo("OUT_OF_SERVICE");
            });
            assertThat(answers).filteredOn(answer -> !answer.at("/components/warmup/status").asText().equals("UP"))
                    .allSatisfy(answer -> assertThat(answer.path("status").asText()).isNotEqualTo("UP"));
            JsonNode gate = answers.getLast().at("/components/warmup/details");
            assertThat(gate.path("state").asText()).isEqualTo("warm");
            assertThat(gate.path("failed").asLong()).isZero();
            // Many rounds: more than one per warming thread (16).
            assertThat(gate.path("rounds").asLong()).isGreaterThan(16);

            ConfigurableApplicationContext context = instance.context();
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            Subscriptions subscriptions = context.getBean(Subscriptions.class);
            OrderStatusStore store = context.getBean(OrderStatusStore.class);
            WarmupOrders warmup = context.getBean(WarmupOrders.class);
            // No stream of the warm-up is open, no order of it is in the table, no event of it was counted.
            await().atMost(PATIENCE).untilAsserted(() ->
                    assertThat(warmup.ids()).noneMatch(subscriptions::watches));
            assertThat(meters.get("spillway.notifier.streams.open").gauge().value()).isZero();
            assertThat(warmup.ids()).allSatisfy(id -> assertThat(store.find(id)).isEmpty());
            assertThat(meters.get("spillway.notifier.events.sent").tag("type", "queued").counter().count()).isZero();
            assertThat(orderRequests(meters)).isZero();

            // A buyer's request is counted where the warm-up's were not: the metric is there, the warm-up kept out of it.
            OrderId buyers = OrderId.derive(CustomerId.of("buyer"), SaleId.of("concert"), UUID.randomUUID().toString());
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(instance.status(buyers)).timeout(PATIENCE).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(orderRequests(meters)).isEqualTo(1));
        }
    }

    /** Requests to the order routes counted in {@code http.server.requests}. */
    private static long orderRequests(MeterRegistry meters) {
        return meters.find("http.server.requests").timers().stream()
                .filter(timer -> String.valueOf(timer.getId().getTag("uri")).startsWith(ORDER_ROUTES))
                .mapToLong(Timer::count).sum();
    }
}
