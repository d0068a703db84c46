package io.spillway.notifier.orders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.Topics;
import io.spillway.notifier.NotifierApplication;
import io.spillway.testing.SharedInfrastructure;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One notifier started by a test as a whole application of its own (its own context, state
 * directory and port), the way a new instance joins a running installation. The port is chosen
 * before the start, so that a test can ask the instance while it is still starting.
 */
final class NotifierInstance implements AutoCloseable {

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final int port;
    private final OrderTokens tokens;
    private volatile ConfigurableApplicationContext context;

    NotifierInstance(Topics topics, String applicationId, String secret, int partitions) throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        tokens = new OrderTokens(secret);
        properties.put("server.port", port);
        properties.put("spring.kafka.bootstrap-servers", SharedInfrastructure.kafkaBootstrapServers());
        properties.put("spillway.topics.requested", topics.requested());
        properties.put("spillway.topics.results", topics.results());
        properties.put("spillway.topics.dlq", topics.dlq());
        properties.put("spillway.topics.partitions", partitions);
        properties.put("spillway.order-token.secret", secret);
        properties.put("spillway.notifier.application-id", applicationId);
        properties.put("spillway.notifier.state-dir", Files.createTempDirectory("notifier-instance").toString());
        properties.put("spillway.notifier.heartbeat", "2s");
    }

    NotifierInstance with(String property, Object value) {
        properties.put(property, value);
        return this;
    }

    /** Starts it and returns once its context is up (readiness may still be out of service). */
    NotifierInstance start() {
        // As arguments, not default properties: application.yml's ${SPILLWAY_ORDER_TOKEN_SECRET} would win over those.
        String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        context = new SpringApplicationBuilder(NotifierApplication.class).run(arguments);
        return this;
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    URI readiness() {
        return URI.create(base() + "/actuator/health/readiness");
    }

    /** The readiness answer, or an empty object while the instance does not listen yet. */
    JsonNode readinessAnswer(HttpClient http, ObjectMapper json) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(readiness())
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return json.readTree(response.body());
        } catch (Exception notListeningYet) {
            return json.createObjectNode();
        }
    }

    URI status(OrderId orderId) {
        return URI.create(base() + "/api/v1/orders/" + orderId + "?token=" + tokens.tokenFor(orderId));
    }

    URI events(OrderId orderId) {
        return URI.create(base() + "/api/v1/orders/" + orderId + "/events?token=" + tokens.tokenFor(orderId));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        if (context != null) {
            context.close();
        }
    }
}
