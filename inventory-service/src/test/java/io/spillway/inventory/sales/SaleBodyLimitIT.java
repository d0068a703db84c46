package io.spillway.inventory.sales;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code POST /api/v1/sales} with a body limit of 64 KiB (the default, 700 MiB, is chosen from the
 * largest valid sale: SaleBodyLimitTest): a body over it, declared or chunked, is 413 problem+json
 * and creates nothing; a body within it is created.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.inventory.admin-token=" + SaleBodyLimitIT.TOKEN,
            "spillway.inventory.catalog.enabled=false",
            "spillway.topics.create=false",
            "spillway.inventory.max-sale-body=64KB"
        })
class SaleBodyLimitIT {

    static final String TOKEN = "sale-body-limit-it-admin-token-0123456789";
    private static final int LIMIT = 64 * 1024;
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
    void aDeclaredBodyOverTheLimitIs413AndCreatesNothing() throws Exception {
        String saleId = newSaleId();

        HttpResponse<String> refused = post(HttpRequest.BodyPublishers.ofString(saleWithSeats(saleId, 5_000)));

        assertTooLarge(refused);
        assertThat(sales(saleId)).isZero();
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AndCreatesNothing() throws Exception {
        String saleId = newSaleId();
        // 1 MiB without a length (chunked). The service reads 64 KiB + 1 of it; Tomcat discards the
        // rest (up to its max-swallow-size, 2 MiB) before closing, so this client still reads the 413.
        InputStream head = new ByteArrayInputStream(("{\"saleId\":\"" + saleId + "\",\"name\":\"").getBytes(StandardCharsets.UTF_8));
        InputStream endless = new InputStream() {
            private long left = 1024 * 1024;

            @Override
            public int read() {
                return left-- <= 0 ? -1 : 'n';
            }
        };

        HttpResponse<String> refused = post(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(head, endless)));

        assertTooLarge(refused);
        assertThat(sales(saleId)).isZero();
    }

    @Test
    void aBodyWithinTheLimitIsCreated() throws Exception {
        String saleId = newSaleId();
        String body = saleWithSeats(saleId, 3_000);
        assertThat(body.length()).isBetween(LIMIT / 2, LIMIT);

        HttpResponse<String> created = post(HttpRequest.BodyPublishers.ofString(body));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(sales(saleId)).isOne();
    }

    private static void assertTooLarge(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("type").asText()).isEqualTo("urn:spillway:problem:body-too-large");
        assertThat(problem.path("status").asInt()).isEqualTo(413);
        assertThat(problem.path("errors").findValuesAsText("field")).containsExactly("body");
    }

    private static String saleWithSeats(String saleId, int seats) {
        String list = IntStream.range(0, seats).mapToObj(i -> "\"seat-%08d\"".formatted(i)).collect(Collectors.joining(","));
        return "{\"saleId\":\"" + saleId + "\",\"name\":\"Big\",\"opensAt\":\"2026-12-24T09:00:00Z\",\"perCustomerLimit\":4,"
                + "\"items\":[{\"sku\":\"HALL\",\"seats\":[" + list + "]}]}";
    }

    private long sales(String saleId) {
        return Stream.of(saleId).mapToLong(id -> jdbc.queryForObject("SELECT count(*) FROM sales WHERE sale_id = ?", Long.class, id))
                .sum();
    }

    private static String newSaleId() {
        return "limit-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private HttpResponse<String> post(BodyPublisher body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sales"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(body)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
