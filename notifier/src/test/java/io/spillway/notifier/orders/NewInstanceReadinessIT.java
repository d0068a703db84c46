package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.notifier.status.OrderStatusStore;
import io.spillway.testing.SharedInfrastructure;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A new notifier instance joins an installation whose status topic already holds decided orders:
 * it must not take buyers (readiness) before its global store holds them all, because until then
 * it would answer a decided order {@code QUEUED}. The database fallback is off here, so every
 * answer comes from the store. Readiness is asked from the moment the instance starts: not
 * listening yet and out of service both count as not ready (as for Kubernetes' probe).
 *
 * <p>Limits: Kafka Streams 3.9 holds {@code KafkaStreams.start()}, and so the context's start, until
 * the global store is restored, and the web server starts after it; so here the instance does not
 * listen until it is restored, and the table's indicator is seen {@code UP} only. Its
 * {@code OUT_OF_SERVICE} answer is covered by {@code StatusStoreReadinessTest}.
 */
class NewInstanceReadinessIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final String SECRET = "readiness-it-" + UUID.randomUUID();
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int PARTITIONS = 4;
    private static final int ORDERS = 1_000;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aNewInstanceIsNotReadyUntilItsStoreHoldsEveryDecidedOrderThenAnswersEachWithItsDecision() throws Exception {
        String applicationId = "notifier-ready-" + UUID.randomUUID();
        List<OrderDecision> decisions = new ArrayList<>();
        try (NotifierInstance first = new NotifierInstance(TOPICS, applicationId, SECRET, PARTITIONS).start();
                KafkaProducer<String, OrderEvent> producer = producer()) {
            for (int i = 0; i < ORDERS; i++) {
                CustomerId customer = CustomerId.of("buyer-" + i);
                OrderRequested request = OrderRequested.of(OrderId.derive(customer, SaleId.of("concert"), UUID.randomUUID().toString()),
                        customer, SaleId.of("concert"), Sku.of("GA-" + (i % 7)), 1, List.of(), Instant.now());
                OrderDecision decision = i % 3 == 0
                        ? OrderRejected.of(request, RejectionReason.SOLD_OUT, Instant.now())
                        : OrderConfirmed.of(request, List.of(), Instant.now());
                producer.send(new ProducerRecord<>(TOPICS.requested(), request.itemKey().toString(), request));
                producer.send(new ProducerRecord<>(TOPICS.results(), request.orderId().toString(), decision));
                decisions.add(decision);
            }
            producer.flush();
            OrderStatusStore store = first.context().getBean(OrderStatusStore.class);
            // The status topic holds every decision once the first instance's global store has them all.
            await().atMost(PATIENCE).until(() -> decisions.stream()
                    .allMatch(d -> store.find(d.orderId()).filter(s -> s.isTerminal()).isPresent()));
        }

        // A new instance of the same installation, with an empty state directory: it restores the status topic.
        List<String> tableWhileStarting = new CopyOnWriteArrayList<>();
        List<Long> undecidedOnceReady = new CopyOnWriteArrayList<>();
        try (NotifierInstance second = new NotifierInstance(TOPICS, applicationId, SECRET, PARTITIONS)
                // The readiness group's parts and their details, to tell the table's from the rest.
                .with("management.endpoint.health.group.readiness.show-components", "always")
                .with("management.endpoint.health.group.readiness.show-details", "always")) {
            CompletableFuture<NotifierInstance> starting = CompletableFuture.supplyAsync(second::start);
            AtomicReference<JsonNode> lastReadiness = new AtomicReference<>();
            try {
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
                    JsonNode readiness = second.readinessAnswer(http, json);
                    lastReadiness.set(readiness);
                    String table = readiness.at("/components/orderStatusTable/status").asText("UNKNOWN");
                    tableWhileStarting.add(table);
                    return readiness.path("status").asText().equals("UP");
                });
            } catch (ConditionTimeoutException notReady) {
                // The last answer, with its details, names the part of readiness that held it back.
                throw new AssertionError("not ready in " + PATIENCE + "; last readiness " + lastReadiness.get()
                        + ", the table's last statuses " + tableWhileStarting.subList(
                                Math.max(0, tableWhileStarting.size() - 5), tableWhileStarting.size())
                        + (starting.isCompletedExceptionally() ? ", and its start failed" : ""), notReady);
            }
            // Asked once readiness said UP, outside the wait: a thousand requests on a loaded machine
            // outlasted the wait's deadline when they ran inside it, and the test failed on its own time.
            undecidedOnceReady.add(decisions.stream().filter(d -> !answeredWithItsDecision(second, d)).count());
            starting.join();

            // The table's indicator is part of readiness, and once it is up every order has its decision.
            assertThat(tableWhileStarting).last().isEqualTo("UP");
            assertThat(tableWhileStarting).doesNotContain("DOWN");
            assertThat(undecidedOnceReady).containsExactly(0L);
        }
    }

    private boolean answeredWithItsDecision(NotifierInstance instance, OrderDecision decision) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(instance.status(decision.orderId()))
                    .timeout(PATIENCE).GET().build(), HttpResponse.BodyHandlers.ofString());
            String expected = decision instanceof OrderConfirmed ? "CONFIRMED" : "REJECTED";
            return response.statusCode() == 200 && json.readTree(response.body()).path("status").asText().equals(expected);
        } catch (Exception e) {
            return false;
        }
    }

    private static KafkaProducer<String, OrderEvent> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), EventSerde.events());
    }
}
