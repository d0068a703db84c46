package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.notifier.NotifierApplication;
import io.spillway.testing.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * Two notifier instances sharing one application id, so that the order-status table's partitions
 * are split between them: each must still answer {@code GET} for every order, and a subscriber on
 * either must hear every decision, whichever instance owns the order.
 */
class TwoInstancesIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final String SECRET = "two-instances-it-" + UUID.randomUUID();
    private static final OrderTokens TOKENS = new OrderTokens(SECRET);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int PARTITIONS = 4;

    private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private static KafkaProducer<String, OrderEvent> producer;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void twoInstances() throws Exception {
        String applicationId = "notifier-two-" + UUID.randomUUID();
        for (int i = 0; i < 2; i++) {
            Map<String, Object> properties = new HashMap<>();
            properties.put("server.port", 0);
            properties.put("spring.kafka.bootstrap-servers", SharedInfrastructure.kafkaBootstrapServers());
            properties.put("spillway.topics.requested", TOPICS.requested());
            properties.put("spillway.topics.results", TOPICS.results());
            properties.put("spillway.topics.dlq", TOPICS.dlq());
            properties.put("spillway.topics.partitions", PARTITIONS);
            properties.put("spillway.order-token.secret", SECRET);
            properties.put("spillway.notifier.application-id", applicationId);
            properties.put("spillway.notifier.state-dir", Files.createTempDirectory("notifier-two-" + i).toString());
            properties.put("spillway.notifier.processor-group", "processor-" + UUID.randomUUID());
            // As arguments, not default properties: application.yml's ${SPILLWAY_ORDER_TOKEN_SECRET} would win over those.
            String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                    .toArray(String[]::new);
            instances.add(new SpringApplicationBuilder(NotifierApplication.class).run(arguments));
        }
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers(),
                        ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), EventSerde.events());
        // Both running, each owning part of the table: otherwise the test would prove nothing.
        await().atMost(PATIENCE).until(() -> instances.stream().allMatch(TwoInstancesIT::ownsPartOfTheTable));
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        instances.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void eachInstanceAnswersForEveryOrderAndEverySubscriberHearsItsDecision() throws Exception {
        List<OrderRequested> orders = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            CustomerId customer = CustomerId.of("buyer-" + i);
            OrderRequested order = OrderRequested.of(OrderId.derive(customer, SaleId.of("concert"), UUID.randomUUID().toString()), customer,
                    SaleId.of("concert"), Sku.of("GA-" + i), 1, List.of(), Instant.now());
            orders.add(order);
            producer.send(new ProducerRecord<>(TOPICS.requested(), i % PARTITIONS, order.itemKey().toString(), order)).get();
        }

        for (ConfigurableApplicationContext instance : instances) {
            for (OrderRequested order : orders) {
                await().atMost(PATIENCE).until(() -> {
                    JsonNode body = status(instance, order.orderId());
                    return body.get("status").asText().equals("QUEUED")
                            && body.get("sku").asText().equals(order.sku().toString());
                });
            }
        }

        // Every order watched on both instances; whichever owns an order, both streams must end with it.
        List<SseClient> streams = new ArrayList<>();
        try {
            for (OrderRequested order : orders) {
                for (ConfigurableApplicationContext instance : instances) {
                    SseClient stream = SseClient.open(http, uri(instance, order.orderId(), "/events"), null);
                    await().atMost(PATIENCE).until(() -> !stream.events().isEmpty());
                    streams.add(stream);
                }
            }
            for (OrderRequested order : orders) {
                producer.send(new ProducerRecord<>(TOPICS.results(), order.orderId().toString(),
                        OrderConfirmed.of(order, List.of(), Instant.now()))).get();
            }
            for (SseClient stream : streams) {
                await().atMost(PATIENCE).until(stream::ended);
                assertThat(stream.events().getLast().name()).isEqualTo("confirmed");
                assertThat(stream.events()).filteredOn(e -> !e.name().equals("queued")).hasSize(1);
            }
        } finally {
            streams.forEach(SseClient::close);
        }
        // GET answers from each instance's own copy of the table, which may trail the streams.
        for (ConfigurableApplicationContext instance : instances) {
            for (OrderRequested order : orders) {
                await().atMost(PATIENCE).untilAsserted(() ->
                        assertThat(status(instance, order.orderId()).get("status").asText()).isEqualTo("CONFIRMED"));
            }
        }
    }

    private static boolean ownsPartOfTheTable(ConfigurableApplicationContext instance) {
        KafkaStreams streams = instance.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
        return streams != null
                && streams.state() == KafkaStreams.State.RUNNING
                && streams.metadataForLocalThreads().stream().anyMatch(thread -> !thread.activeTasks().isEmpty());
    }

    private JsonNode status(ConfigurableApplicationContext instance, OrderId orderId) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri(instance, orderId, "")).timeout(PATIENCE).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static URI uri(ConfigurableApplicationContext instance, OrderId orderId, String suffix) {
        int port = ((WebServerApplicationContext) instance).getWebServer().getPort();
        return URI.create("http://127.0.0.1:" + port + "/api/v1/orders/" + orderId + suffix
                + "?token=" + TOKENS.tokenFor(orderId));
    }
}
