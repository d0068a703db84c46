package io.spillway.inventory.sales;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.Topics;
import io.spillway.contract.spring.WarmupGate;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.SharedInfrastructure.TestDatabase;
import io.spillway.testing.TestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The warm-up gate with this service's real round ({@link SaleViewWarmup}) against the run's
 * PostgreSQL and broker: readiness stays out of service while the instance reads a sale's view
 * through its own port, says UP after, and the rounds left no trace in the database or in the
 * request meters. The duration is long enough that the first probe lands inside it on a slow
 * machine; nothing here asserts how fast anything is.
 */
@AutoConfigureObservability(tracing = false)
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.inventory.admin-token=warm-it-admin-token-0123456789",
            "spillway.warmup.enabled=true",
            "spillway.warmup.min-duration=10s",
            "spillway.warmup.max-duration=20s",
            "spillway.warmup.threads=4"
        })
class AnInstanceReportsReadyOnlyOnceWarmIT {

    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final TestDatabase DATABASE = SharedInfrastructure.newDatabase();
    private static final String SALE = "warm-it-sale";
    /** Every table's content before the application started, by table name. */
    private static Map<String, String> before;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        TestProperties.database(registry, DATABASE);
        TestProperties.kafka(registry, TOPICS);
        // A published sale before the instance starts, as on sale day: the round reads its view.
        Flyway.configure()
                .dataSource(DATABASE.jdbcUrl(), DATABASE.username(), DATABASE.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO sales (sale_id, name, opens_at, per_customer_limit)"
                    + " VALUES ('" + SALE + "', 'Warm-up', now() - interval '1 minute', 4)");
            statement.execute("INSERT INTO items (sale_id, sku, kind, total, available)"
                    + " VALUES ('" + SALE + "', 'GA', 'STOCK', 100, 100)");
        }
        before = contents();
    }

    @LocalServerPort
    int port;

    @Autowired
    WarmupGate warmup;

    @Autowired
    MeterRegistry meters;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readinessIsNotUpWhileWarmingThenUpAfterRoundsThatLeftNothingBehind() throws Exception {
        HttpResponse<String> warming = readiness();
        assertThat(warming.statusCode()).isEqualTo(503);
        assertThat(warming.body()).contains("OUT_OF_SERVICE");
        assertThat(warmup.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

        await().atMost(Duration.ofSeconds(90)).until(() -> readiness().statusCode() == 200);
        assertThat(readiness().body()).contains("\"UP\"");

        Health warm = warmup.health();
        assertThat(warm.getStatus()).isEqualTo(Status.UP);
        assertThat(warm.getDetails()).containsEntry("state", "warm").containsEntry("failed", 0L);
        assertThat((Long) warm.getDetails().get("rounds")).isPositive();

        assertThat(contents()).isEqualTo(before);
        assertThat(meters.find("http.server.requests").tag("uri", "/api/v1/sales/{saleId}").timers()).isEmpty();

        // The round's path is the buyers': a buyer's read of the same view is served and counted.
        HttpResponse<String> view = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sales/" + SALE)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.body()).contains("\"saleId\":\"" + SALE + "\"");
        assertThat(meters.find("http.server.requests").tag("uri", "/api/v1/sales/{saleId}").timer())
                .isNotNull()
                .satisfies(timer -> assertThat(timer.count()).isEqualTo(1));
    }

    private HttpResponse<String> readiness() throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every table's rows, as text in a fixed order, except Flyway's history. */
    private static Map<String, String> contents() throws Exception {
        Map<String, String> contents = new TreeMap<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                    + " AND table_name <> 'flyway_schema_history'")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rows = statement.executeQuery(
                        "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
                                + " FROM " + table + " t")) {
                    rows.next();
                    contents.put(table, rows.getString(1));
                }
            }
        }
        assertThat(contents).containsKeys("sales", "items", "orders");
        return contents;
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(DATABASE.jdbcUrl(), DATABASE.username(), DATABASE.password());
    }
}
