package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.processor.intake.OrderRequestListener;
import io.spillway.processor.operations.DatabaseCircuit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The database circuit pauses consumption during an outage; health and the processor's meters are
 * served.
 */
class CircuitAndMetricsIT extends RunningProcessor {

    @Autowired
    DatabaseCircuit circuit;

    @Test
    void aDatabaseFailureHoldsTheBatchUntilTheDatabaseRecoversAndRejectsNothing() throws Exception {
        ItemKey ga = stockSale("outage", 4, Map.of("GA", 10));
        List<OrderRequested> orders = IntStream.range(0, 5).mapToObj(i -> order(ga, "o-" + i, 1)).toList();
        // The processor's writes fail as they would with the database gone, and start working again later.
        // SQLState 42501 (insufficient privilege) is an outage, not a refusal: no order is split off.
        jdbc.execute("REVOKE INSERT ON orders FROM CURRENT_USER");
        try {
            send(orders);
            // The failures open the database circuit, which pauses consumption instead of rejecting.
            await().atMost(PATIENCE).until(circuit::paused);
            assertThat(listeners.getListenerContainer(OrderRequestListener.ID).isPauseRequested()).isTrue();
            assertThat(meters.get("spillway.processor.pauses").counter().count()).isPositive();
            results.decidedAll(List.of());
            assertThat(orders).allMatch(o -> results.of(o.orderId()).isEmpty());
        } finally {
            jdbc.execute("GRANT INSERT ON orders TO CURRENT_USER");
        }

        // The breaker half-opens by itself, the trial succeeds, consumption resumes.
        Map<OrderId, OrderDecision> decided = awaitDecisions(orders);
        await().atMost(PATIENCE).until(() -> !circuit.paused());
        assertThat(circuit.state()).isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
        assertThat(listeners.getListenerContainer(OrderRequestListener.ID).isPauseRequested()).isFalse();

        assertThat(decided.values()).allMatch(OrderConfirmed.class::isInstance);
        assertThat(count("SELECT available FROM items WHERE sale_id = 'outage'")).isEqualTo(5);
    }

    @Test
    void servesHealthAndTheDecisionMetrics() throws Exception {
        ItemKey ga = stockSale("metrics", 4, Map.of("GA", 1));
        List<OrderRequested> orders = List.of(order(ga, "m-1", 1), order(ga, "m-2", 1));
        send(orders);
        awaitDecisions(orders);

        assertThat(meters.find("spillway.processor.decisions").tag("reason", "SOLD_OUT").counter())
                .isNotNull()
                .satisfies(counter -> assertThat(counter.count()).isPositive());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> readiness = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .build();
        // The lag is read from the broker every lag-interval: wait for a reading after the decisions.
        await().atMost(PATIENCE).until(() -> http.send(scrape, HttpResponse.BodyHandlers.ofString())
                .body()
                .contains("spillway_processor_lag_records{application=\"order-processor\",partition=\"" + partitionOf(ga) + "\",topic=\""
                        + TOPICS.requested() + "\"} 0.0"));
        HttpResponse<String> prometheus = http.send(scrape, HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(prometheus.body())
                .contains("spillway_processor_decisions_total")
                .contains("spillway_processor_batch_size_records")
                .contains("spillway_processor_decision_latency_seconds_bucket")
                .contains("spillway_processor_pauses_total")
                .contains("spillway_processor_paused")
                .contains("resilience4j_circuitbreaker_state{application=\"order-processor\",name=\"processor-database\"")
                .containsPattern("spillway_processor_lag_records\\{application=\"order-processor\",partition=\"\\d+\",topic=\"" + java.util.regex.Pattern.quote(TOPICS.requested()) + "\"\\} 0.0");
        assertThat(meters.get("spillway.processor.decision.latency").timer().count()).isPositive();
    }
}
