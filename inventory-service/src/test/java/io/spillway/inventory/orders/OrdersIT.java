package io.spillway.inventory.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A sale's orders, listed page by page and exported as CSV, against a real PostgreSQL. */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.inventory.admin-token=" + OrdersIT.TOKEN,
            "spillway.inventory.catalog.enabled=false",
            "spillway.topics.create=false"
        })
class OrdersIT {

    static final String TOKEN = "orders-it-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestProperties.database(registry, SharedInfrastructure.newDatabase());
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void pagesWalkEveryOrderNewestDecisionFirstAndTheFilterKeepsOneStatus() throws Exception {
        String saleId = newSale();
        OrderRowsSql.insert(jdbc, saleId, 1_234);

        List<String> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = getJson("/api/v1/sales/" + saleId + "/orders?limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
            page.path("orders").forEach(order -> walked.add(order.path("orderId").asText()));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(13);
        assertThat(walked).containsExactlyElementsOf(jdbc.queryForList(
                "SELECT order_id::text FROM orders WHERE sale_id = ? ORDER BY decided_at DESC, order_id DESC", String.class, saleId));

        JsonNode paid = getJson("/api/v1/sales/" + saleId + "/orders?status=paid&limit=500");
        assertThat(paid.path("orders")).hasSize(247);
        paid.path("orders").forEach(order -> {
            assertThat(order.path("status").asText()).isEqualTo("PAID");
            assertThat(order.path("paymentRef").asText()).startsWith("pay-");
        });
        assertThat(paid.path("nextCursor").isNull()).isTrue();
        JsonNode first = getJson("/api/v1/sales/" + saleId + "/orders?limit=1").path("orders").get(0);
        assertThat(first.path("decidedAt").asText()).isEqualTo("2026-12-24T09:00:03.234Z");
        assertThat(first.path("status").asText()).isEqualTo("CANCELLED");
        assertThat(first.path("endedAt").asText()).isEqualTo("2026-12-24T09:05:00Z");
    }

    @Test
    void badParametersAreProblemsAndAnUnknownSaleIsNotFound() throws Exception {
        String saleId = newSale();
        for (String query : List.of("status=SHIPPED", "limit=0", "limit=501", "limit=ten", "cursor=not-a-cursor",
                "cursor=" + URLEncoder.encode("MTIz", StandardCharsets.UTF_8))) {
            HttpResponse<String> response = get("/api/v1/sales/" + saleId + "/orders?" + query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(JSON.readTree(response.body()).path("errors").get(0).path("field").asText()).isNotBlank();
        }
        assertThat(get("/api/v1/sales/no-such-sale/orders").statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/sales/no-such-sale/orders.csv").statusCode()).isEqualTo(404);
    }

    @Test
    void theCsvExportHasEveryOrderOnceWithTheDatabasesChecksum() throws Exception {
        String saleId = newSale();
        OrderRowsSql.insert(jdbc, saleId, 10_000);
        OrderRowsSql.insert(jdbc, newSale(), 50);

        HttpResponse<java.io.InputStream> response = http.send(request("/api/v1/sales/" + saleId + "/orders.csv").build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
        MessageDigest digest = MessageDigest.getInstance("MD5");
        long rows = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine() + "\r\n").isEqualTo(SaleOrders.CSV_HEADER);
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] fields = line.split(",", -1);
                assertThat(fields).hasSize(12);
                digest.update((fields[0] + "," + fields[5] + "," + fields[8] + "\n").getBytes(StandardCharsets.UTF_8));
                rows++;
            }
        }
        assertThat(rows).isEqualTo(10_000);
        String expected = jdbc.queryForObject("""
                SELECT md5(string_agg(order_id::text || ',' || status || ','
                           || to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || chr(10), '' ORDER BY decided_at, order_id))
                FROM orders WHERE sale_id = ?""", String.class, saleId);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(expected);
        assertThat(jdbc.queryForList("SELECT actor || ' ' || action FROM audit_log WHERE target = ?", String.class,
                "/api/v1/sales/" + saleId)).contains("admin-token orders.export");
    }

    private String newSale() throws Exception {
        String saleId = "orders-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = http.send(request("/api/v1/sales")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"saleId":"%s","name":"Orders","opensAt":"2026-12-24T09:00:00Z","perCustomerLimit":4,
                         "holdSeconds":600,"items":[{"sku":"GA","stock":100000}]}""".formatted(saleId)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        return saleId;
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TOKEN);
    }
}
