package io.spillway.inventory.sales;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CatalogJson;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.Topics;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.SharedInfrastructure.TestDatabase;
import io.spillway.testing.TestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Pause and resume against the real broker and PostgreSQL: admins only, audited, shown in the sale
 * view, and republished on {@code sales} so that every door learns of it (the door's side is in
 * ingest-api's {@code PausedSaleIT}).
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"spillway.inventory.admin-token=" + SaleControlIT.TOKEN, "spillway.inventory.catalog.poll-interval=100ms"})
class SaleControlIT {

    static final String TOKEN = "sale-control-it-admin-token-0123456789";
    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase database = SharedInfrastructure.newDatabase();
        TestProperties.database(registry, database);
        TestProperties.kafka(registry, TOPICS);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private KafkaConsumer<String, byte[]> sales;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void subscribe() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        sales = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(TOPICS.sales(), 0);
        sales.assign(List.of(partition));
        sales.seekToBeginning(List.of(partition));
    }

    @AfterEach
    void close() {
        sales.close();
    }

    @Test
    void aPausedSaleIsShownPausedAndRepublishedAndResumingUndoesIt() throws Exception {
        String saleId = "ctl-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(send("POST", "/api/v1/sales", TOKEN, """
                {"saleId":"%s","name":"Control","opensAt":"2026-01-01T09:00:00Z","perCustomerLimit":4,
                 "items":[{"sku":"GA","stock":5},{"sku":"VIP","seats":["A-1","A-2"]}]}
                """.formatted(saleId)).statusCode()).isEqualTo(201);

        HttpResponse<String> paused = send("POST", "/api/v1/sales/" + saleId + "/pause", TOKEN, null);
        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(paused.body()).contains("\"state\":\"PAUSED\"");
        assertThat(send("GET", "/api/v1/sales/" + saleId, null, null).body()).contains("\"state\":\"PAUSED\"");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            records.addAll(readToEnd());
            assertThat(lastSale(records, saleId).doorPaused()).isTrue();
        });

        HttpResponse<String> resumed = send("POST", "/api/v1/sales/" + saleId + "/resume", TOKEN, null);
        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(resumed.body()).contains("\"state\":\"OPEN\"");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            records.addAll(readToEnd());
            assertThat(lastSale(records, saleId).doorPaused()).isFalse();
        });
        // Everything but the pause is as created: the seats are not published again.
        assertThat(lastSale(records, saleId).items()).hasSize(2);

        assertThat(jdbc.queryForList("SELECT action || ' ' || (before->>'paused') || '->' || (after->>'paused') "
                        + "FROM audit_log WHERE target = ? AND action LIKE 'sale.%' ORDER BY seq", String.class, "/api/v1/sales/" + saleId))
                .containsExactly("sale.pause false->true", "sale.resume true->false");
        assertThat(jdbc.queryForList("SELECT DISTINCT actor FROM audit_log WHERE target = ? AND action LIKE 'sale.%'", String.class,
                "/api/v1/sales/" + saleId)).containsExactly("admin-token");
    }

    @Test
    void aClosedSaleIsShownClosedForGoodAndRepublishedWithItsCloseTime() throws Exception {
        String saleId = "ctl-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(send("POST", "/api/v1/sales", TOKEN, """
                {"saleId":"%s","name":"Control","opensAt":"2026-01-01T09:00:00Z","perCustomerLimit":4,
                 "items":[{"sku":"GA","stock":5}]}
                """.formatted(saleId)).statusCode()).isEqualTo(201);

        HttpResponse<String> closed = send("POST", "/api/v1/sales/" + saleId + "/close", TOKEN, null);
        assertThat(closed.statusCode()).isEqualTo(200);
        assertThat(closed.body()).contains("\"state\":\"CLOSED\"");
        java.time.Instant closedAt = jdbc.queryForObject("SELECT closed_at FROM sales WHERE sale_id = ?",
                java.sql.Timestamp.class, saleId).toInstant();
        // Closing again, or resuming, changes nothing: closed is for good.
        assertThat(send("POST", "/api/v1/sales/" + saleId + "/close", TOKEN, null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/v1/sales/" + saleId + "/resume", TOKEN, null).body()).contains("\"state\":\"CLOSED\"");
        assertThat(jdbc.queryForObject("SELECT closed_at FROM sales WHERE sale_id = ?", java.sql.Timestamp.class, saleId)
                .toInstant()).isEqualTo(closedAt);

        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            records.addAll(readToEnd());
            assertThat(lastSale(records, saleId).closedAt()).isEqualTo(closedAt);
        });
        assertThat(jdbc.queryForList("SELECT action FROM audit_log WHERE target = ? AND action LIKE 'sale.%' ORDER BY seq", String.class,
                "/api/v1/sales/" + saleId)).containsExactly("sale.close", "sale.close", "sale.resume");
    }

    @Test
    void pausingNeedsTheAdminCredentialAndAnUnknownSaleIsNotFound() throws Exception {
        String saleId = "ctl-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(send("POST", "/api/v1/sales", TOKEN, """
                {"saleId":"%s","name":"Control","opensAt":"2026-01-01T09:00:00Z","perCustomerLimit":4,
                 "items":[{"sku":"GA","stock":5}]}
                """.formatted(saleId)).statusCode()).isEqualTo(201);

        for (String action : List.of("pause", "resume", "close")) {
            assertThat(send("POST", "/api/v1/sales/" + saleId + "/" + action, null, null).statusCode()).isEqualTo(401);
            assertThat(send("POST", "/api/v1/sales/" + saleId + "/" + action, "wrong-token-wrong-token", null).statusCode())
                    .isEqualTo(401);
            assertThat(send("POST", "/api/v1/sales/no-such-sale/" + action, TOKEN, null).statusCode()).isEqualTo(404);
        }
        assertThat(jdbc.queryForObject("SELECT paused FROM sales WHERE sale_id = ?", Boolean.class, saleId)).isFalse();
        assertThat(jdbc.queryForObject("SELECT closed_at IS NULL FROM sales WHERE sale_id = ?", Boolean.class, saleId)).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE action LIKE 'sale.%' "
                + "AND target IN (?, '/api/v1/sales/no-such-sale')", Integer.class, "/api/v1/sales/" + saleId)).isZero();
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<ConsumerRecord<String, byte[]>> readToEnd() {
        TopicPartition partition = new TopicPartition(TOPICS.sales(), 0);
        long end = sales.endOffsets(List.of(partition)).get(partition);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        while (sales.position(partition) < end) {
            sales.poll(Duration.ofMillis(100)).records(partition).forEach(records::add);
        }
        return records;
    }

    private static SaleDefined lastSale(List<ConsumerRecord<String, byte[]>> records, String saleId) {
        ConsumerRecord<String, byte[]> last =
                records.stream().filter(r -> r.key().equals(saleId)).reduce((a, b) -> b).orElseThrow();
        return CatalogJson.read(last.value(), SaleDefined.class);
    }
}
