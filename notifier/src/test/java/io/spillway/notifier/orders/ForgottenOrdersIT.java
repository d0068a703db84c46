package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventJson;
import io.spillway.contract.EventSerde;
import io.spillway.contract.HoldEnded;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderPaid;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.notifier.records.OrdersTable;
import io.spillway.notifier.status.OrderStatusStore;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.SharedInfrastructure.TestDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The contract's "a decided order's state is answered by every notifier instance, a new one
 * included, for as long as orders are kept" and "the terminal event is always delivered, whenever
 * the client connects", after the order left the order-status table: orders are decided as the
 * processor decides them (a row in {@code orders}, then the record on {@code orders.results}), the
 * table's decided retention passes, and a new instance answers them from PostgreSQL, through a role
 * that may only read {@code orders}.
 */
class ForgottenOrdersIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final String SECRET = "forgotten-it-" + UUID.randomUUID();
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int PARTITIONS = 2;
    private static final String RETENTION = "5s";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void decidedOrdersThatLeftTheTableAreAnsweredByANewInstanceFromTheDatabaseOnGetAndTheirStreamEnds() throws Exception {
        OrdersTable orders = OrdersTable.migrated();
        TestDatabase reader = orders.reader();
        String applicationId = "notifier-forgotten-" + UUID.randomUUID();

        List<OrderDecision> decisions = new ArrayList<>();
        try (NotifierInstance first = withDatabase(new NotifierInstance(TOPICS, applicationId, SECRET, PARTITIONS), reader)
                        .start();
                KafkaProducer<String, OrderEvent> producer = producer()) {
            for (int i = 0; i < 6; i++) {
                CustomerId customer = CustomerId.of("buyer-" + i);
                List<SeatId> seats = i % 2 == 0 ? List.of(SeatId.of("R-" + i)) : List.of();
                OrderRequested request = OrderRequested.of(OrderId.derive(customer, SaleId.of("concert"), UUID.randomUUID().toString()),
                        customer, SaleId.of("concert"), Sku.of(seats.isEmpty() ? "GA" : "VIP"), 1, seats, Instant.now());
                OrderDecision decision = i % 3 == 2
                        ? OrderRejected.of(request, RejectionReason.SOLD_OUT, Instant.now())
                        : OrderConfirmed.of(request, seats, Instant.now());
                producer.send(new ProducerRecord<>(TOPICS.requested(), request.itemKey().toString(), request)).get();
                // As the processor does: the row in the decision's transaction, then the record.
                orders.insert(decision);
                producer.send(new ProducerRecord<>(TOPICS.results(), request.orderId().toString(), decision)).get();
                decisions.add(decision);
            }

            // The table had each decision, and then let it go: a tombstone follows it on the status topic.
            awaitDecidedThenForgotten(applicationId + "-status", decisions);
            OrderStatusStore store = first.context().getBean(OrderStatusStore.class);
            await().atMost(PATIENCE).until(() -> decisions.stream().noneMatch(d -> store.find(d.orderId()).isPresent()));
        }

        try (NotifierInstance second = withDatabase(new NotifierInstance(TOPICS, applicationId, SECRET, PARTITIONS), reader)
                .start()) {
            await().atMost(PATIENCE).until(() -> get(second.readiness()).statusCode() == 200);
            OrderStatusStore store = second.context().getBean(OrderStatusStore.class);
            for (OrderDecision decision : decisions) {
                // Not in the new instance's table: the answers below come from the system of record.
                assertThat(store.find(decision.orderId())).isEmpty();

                // The system of record answers within the lookup's timeout (500 ms), else the table's
                // QUEUED goes out: a new instance's first lookups on a busy runner can take longer.
                await().atMost(PATIENCE).untilAsserted(() ->
                        assertDecision(json.readTree(get(second.status(decision.orderId())).body()), decision));

                try (SseClient stream = SseClient.open(http, second.events(decision.orderId()), null)) {
                    await().atMost(PATIENCE).until(stream::ended);
                    SseClient.Event last = stream.events().getLast();
                    assertThat(last.name()).isEqualTo(name(decision));
                    assertDecision(json.readTree(last.data()), decision);
                    assertThat(stream.events()).filteredOn(e -> !e.name().equals("queued")).hasSize(1);
                }
            }
            MeterRegistry meters = second.context().getBean(MeterRegistry.class);
            assertThat(meters.get("spillway.notifier.records.found").counter().count()).isEqualTo(decisions.size());
        }
    }

    @Test
    void endedHoldsThatLeftTheTableAreAnsweredByANewInstanceFromTheDatabaseWithTheSameTerminalEvent() throws Exception {
        OrdersTable orders = OrdersTable.migrated();
        TestDatabase reader = orders.reader();
        String applicationId = "notifier-forgotten-holds-" + UUID.randomUUID();
        Instant decidedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Instant expiresAt = decidedAt.plusSeconds(2);
        Instant endedAt = decidedAt.plusSeconds(1);

        List<HoldEnded> ends = new ArrayList<>();
        try (NotifierInstance first = withDatabase(new NotifierInstance(TOPICS, applicationId, SECRET, PARTITIONS), reader)
                        .start();
                KafkaProducer<String, byte[]> producer = resultsProducer()) {
            for (String outcome : List.of("paid", "expired", "cancelled")) {
                CustomerId customer = CustomerId.of("holder-" + outcome);
                OrderId orderId = OrderId.derive(customer, SaleId.of("concert"), UUID.randomUUID().toString());
                OrderRequested request = OrderRequested.of(orderId, customer, SaleId.of("concert"), Sku.of("GA"), 1,
                        List.of(), decidedAt.minusSeconds(1));
                HoldEnded end = switch (outcome) {
                    case "paid" -> new OrderPaid(1, orderId, customer, request.saleId(), request.sku(), 1, List.of(),
                            "pay-" + outcome, endedAt.minusMillis(10), expiresAt, endedAt);
                    case "expired" -> new OrderExpired(1, orderId, customer, request.saleId(), request.sku(), 1,
                            List.of(), expiresAt, expiresAt.plusSeconds(1));
                    // Cancelled before the processor saw the order: nothing but its id is known.
                    default -> new OrderCancelled(1, orderId, null, null, null, null, null, false, null, endedAt);
                };
                if (!(end instanceof OrderCancelled)) {
                    producer.send(new ProducerRecord<>(TOPICS.results(), orderId.toString(), EventJson.writeResult(
                            OrderConfirmed.of(request, List.of(), decidedAt, expiresAt)))).get();
                }
                // As the processor does: the row in the step's transaction, then the record.
                orders.insert(end, decidedAt);
                producer.send(new ProducerRecord<>(TOPICS.results(), orderId.toString(), EventJson.writeResult(end))).get();
                ends.add(end);
            }
            List<OrderId> ids = ends.stream().map(HoldEnded::orderId).toList();
            awaitForgotten(applicationId + "-status", ids);
            OrderStatusStore store = first.context().getBean(OrderStatusStore.class);
            await().atMost(PATIENCE).until(() -> ids.stream().noneMatch(id -> store.find(id).isPresent()));
        }

        try (NotifierInstance second = withDatabase(new NotifierInstance(TOPICS, applicationId, SECRET, PARTITIONS), reader)
                .start()) {
            await().atMost(PATIENCE).until(() -> get(second.readiness()).statusCode() == 200);
            for (HoldEnded end : ends) {
                String status = switch (end) {
                    case OrderPaid p -> "PAID";
                    case OrderExpired e -> "EXPIRED";
                    case OrderCancelled c -> "CANCELLED";
                };
                // As above: the system of record's answer, given its lookup's timeout to come.
                await().atMost(PATIENCE).untilAsserted(() -> {
                    JsonNode view = json.readTree(get(second.status(end.orderId())).body());
                    assertThat(view.path("status").asText()).isEqualTo(status);
                    assertThat(view.path("updatedAt").asText()).isEqualTo(end.endedAt().toString());
                    if (end instanceof OrderPaid paid) {
                        assertThat(view.path("payment").path("ref").asText()).isEqualTo(paid.paymentRef());
                        assertThat(view.path("payment").path("outcome").asText()).isEqualTo("PAID");
                    }
                    if (end instanceof OrderCancelled) {
                        assertThat(view.path("saleId").isNull()).isTrue();
                    } else {
                        assertThat(view.path("holdExpiresAt").asText()).isEqualTo(expiresAt.toString());
                    }
                });

                try (SseClient stream = SseClient.open(http, second.events(end.orderId()), null)) {
                    await().atMost(PATIENCE).until(stream::ended);
                    SseClient.Event last = stream.events().getLast();
                    assertThat(last.name()).isEqualTo(status.toLowerCase(Locale.ROOT));
                    // The same id the table's road gave: a client that had it is not sent it again.
                    assertThat(last.id()).isEqualTo(Long.toString(EventIds.ended(end.endedAt())));
                    assertThat(stream.events()).filteredOn(e -> !e.name().equals("queued")).hasSize(1);
                }
            }
        }
    }

    private static void awaitForgotten(String statusTopic, List<OrderId> orderIds) {
        Set<String> wanted = new HashSet<>();
        orderIds.forEach(id -> wanted.add(id.toString()));
        awaitTombstones(statusTopic, wanted);
    }

    private static KafkaProducer<String, byte[]> resultsProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static NotifierInstance withDatabase(NotifierInstance instance, TestDatabase reader) {
        return instance
                .with("spillway.notifier.decided-retention", RETENTION)
                .with("spillway.notifier.records.url", reader.jdbcUrl())
                .with("spillway.notifier.records.username", reader.username())
                .with("spillway.notifier.records.password", reader.password());
    }

    private void assertDecision(JsonNode view, OrderDecision decision) {
        assertThat(view.path("status").asText()).isEqualTo(name(decision).toUpperCase(Locale.ROOT));
        assertThat(view.path("orderId").asText()).isEqualTo(decision.orderId().toString());
        assertThat(view.path("quantity").asInt()).isEqualTo(decision.quantity());
        assertThat(view.path("queue").isNull() || view.path("queue").isMissingNode()).isTrue();
        switch (decision) {
            case OrderConfirmed confirmed -> {
                assertThat(view.path("reason").isNull()).isTrue();
                List<String> seats = new ArrayList<>();
                view.path("seats").forEach(seat -> seats.add(seat.asText()));
                assertThat(seats).containsExactlyElementsOf(confirmed.seats().stream().map(SeatId::value).toList());
            }
            case OrderRejected rejected -> assertThat(view.path("reason").asText()).isEqualTo(rejected.reason().name());
        }
    }

    private static String name(OrderDecision decision) {
        return decision instanceof OrderConfirmed ? "confirmed" : "rejected";
    }

    /** Reads the status topic until every order's decision has been followed by its tombstone. */
    private static void awaitDecidedThenForgotten(String statusTopic, List<OrderDecision> decisions) {
        Set<String> wanted = new HashSet<>();
        decisions.forEach(d -> wanted.add(d.orderId().toString()));
        awaitTombstones(statusTopic, wanted);
    }

    private static void awaitTombstones(String statusTopic, Set<String> wanted) {
        Map<String, Boolean> seen = new HashMap<>();
        Set<String> forgotten = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "forgotten-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(statusTopic));
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!wanted.contains(record.key())) {
                        continue;
                    }
                    if (record.value() != null) {
                        seen.put(record.key(), Boolean.TRUE);
                    } else if (seen.containsKey(record.key())) {
                        forgotten.add(record.key());
                    }
                }
                return forgotten.containsAll(wanted);
            });
        }
    }

    private HttpResponse<String> get(java.net.URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(PATIENCE).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static KafkaProducer<String, OrderEvent> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), EventSerde.events());
    }
}
