package io.spillway.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.SharedInfrastructure.TestDatabase;
import io.spillway.testing.TestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Sold, held and remaining per item as Prometheus scrapes them: a created sale appears with everything
 * remaining, and a sale or a hold the processor makes in PostgreSQL shows up at the next refresh.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.inventory.admin-token=" + StockGaugesIT.TOKEN,
            "spillway.inventory.catalog.enabled=false",
            "spillway.inventory.stock-gauges.refresh=100ms"
        })
@AutoConfigureObservability(tracing = false)
class StockGaugesIT {

    static final String TOKEN = "stock-gauges-it-admin-token-0123456789";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase database = SharedInfrastructure.newDatabase();
        TestProperties.database(registry, database);
        registry.add("spring.kafka.bootstrap-servers", SharedInfrastructure::kafkaBootstrapServers);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void soldAndRemainingFollowTheDatabasePerItem() throws Exception {
        String saleId = "gauge-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sales"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"saleId":"%s","name":"Gauges","opensAt":"2026-12-24T09:00:00Z","perCustomerLimit":4,
                                 "items":[{"sku":"GA","stock":5},{"sku":"VIP","seats":["A-1","A-2"]}]}
                                """.formatted(saleId)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape())
                .contains(series("spillway_inventory_item_remaining", saleId, "GA") + " 5.0")
                .contains(series("spillway_inventory_item_sold", saleId, "GA") + " 0.0")
                .contains(series("spillway_inventory_item_remaining", saleId, "VIP") + " 2.0"));

        // What the processor does when it confirms an order of 2.
        jdbc.update("UPDATE items SET available = available - 2, version = version + 1 WHERE sale_id = ? AND sku = 'GA'", saleId);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape())
                .contains(series("spillway_inventory_item_remaining", saleId, "GA") + " 3.0")
                .contains(series("spillway_inventory_item_sold", saleId, "GA") + " 2.0")
                .contains(series("spillway_inventory_item_sold", saleId, "VIP") + " 0.0")
                .contains(series("spillway_inventory_items_held", saleId, "GA") + " 0.0"));

        // What the processor does when it confirms an order of 1 held for payment: remaining, held
        // and sold still add up to the total.
        jdbc.update("UPDATE items SET available = available - 1, held = held + 1, version = version + 1 WHERE sale_id = ? AND sku = 'GA'",
                saleId);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape())
                .contains(series("spillway_inventory_item_remaining", saleId, "GA") + " 2.0")
                .contains(series("spillway_inventory_items_held", saleId, "GA") + " 1.0")
                .contains(series("spillway_inventory_item_sold", saleId, "GA") + " 2.0")
                .contains(series("spillway_inventory_items_held", saleId, "VIP") + " 0.0"));
    }

    private static String series(String name, String sale, String sku) {
        return name + "{application=\"inventory-service\",sale=\"" + sale + "\",sku=\"" + sku + "\"}";
    }

    private String scrape() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
