package io.spillway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.CustomerId;
import io.spillway.contract.EventJson;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operators' console (/admin/) in a real headless Chromium against the four services, a real
 * broker and PostgreSQL: sign in with the admin token, see a sale's live summary, replay a dead
 * letter the real processor made, see it fail again and come back with its history, then replay it
 * fixed by hand and see the processor decide it. Screenshots under {@code target/admin-screenshots/}
 * (copied to docs/admin/).
 */
class AdminConsoleIT {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "admin-screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Spillway spillway;
    private static ChromeDriver browser;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        spillway = new Spillway();
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        System.setProperty("webdriver.remote.enableTracing", "false");
        Path profile = Files.createTempDirectory("spillway-chromium-admin");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1400", "--user-data-dir=" + profile);
        browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build(), options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (spillway != null) {
            spillway.close();
        }
    }

    @Test
    void anOperatorSignsInSeesTheSummaryAndReplaysADeadLetterThatFailsAgainThenFixedByHand() throws Exception {
        String saleId = newSale();
        for (int i = 0; i < 5; i++) {
            assertThat(placeOrder(saleId, "buyer-" + i).statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ordersOf(saleId) == 5);
        produceUnreadable(saleId + "/GA", "not an order at all");
        JsonNode first = awaitDeadLetter(saleId, 0);

        browser.get(spillway.inventoryUrl() + "/admin/");
        browser.findElement(By.id("token")).sendKeys(Spillway.ADMIN_TOKEN);
        browser.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
        waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#sales button[data-sale='" + saleId + "']"))).click();
        waiting().until(ExpectedConditions.textToBe(By.id("s-decided"), "5"));
        waiting().until(ExpectedConditions.textToBe(By.id("s-dead"), "1 (1 pending)"));
        assertThat(browser.findElement(By.id("s-confirmed")).getText()).isEqualTo("5");
        assertThat(browser.findElement(By.id("summary")).getAttribute("role")).isEqualTo("status");
        screenshot("summary");

        // Pause and resume from the console, each after its confirmation, audited as the token's holder.
        browser.findElement(By.id("pause")).click();
        waiting().until(ExpectedConditions.alertIsPresent()).accept();
        await().atMost(Duration.ofSeconds(30)).until(() -> query("SELECT paused::text FROM sales WHERE sale_id = ?", saleId).equals("true"));
        browser.findElement(By.id("resume")).click();
        waiting().until(ExpectedConditions.alertIsPresent()).accept();
        await().atMost(Duration.ofSeconds(30)).until(() -> query("SELECT paused::text FROM sales WHERE sale_id = ?", saleId).equals("false"));
        assertThat(query("SELECT string_agg(action || ' by ' || actor, ', ' ORDER BY seq) FROM audit_log WHERE target = ?",
                "/api/v1/sales/" + saleId)).endsWith("sale.pause by admin-token, sale.resume by admin-token");

        String id = first.path("id").asText();
        WebElement row = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#dlq tr[data-id='" + id + "']")));
        assertThat(row.getText()).contains(first.path("cause").asText()).contains(spillway.topics().requested());
        row.findElement(By.xpath(".//button[text()='Replay']")).click();
        waiting().until(ExpectedConditions.alertIsPresent()).accept();
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("#dlq tr[data-id='" + id + "'] td.state"), "REPLAYED"));

        // The real processor cannot read it this time either: it comes back, with both causes.
        JsonNode again = awaitDeadLetter(saleId, 1);
        assertThat(again.path("causes")).hasSize(2);
        String againId = again.path("id").asText();
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("#dlq tr[data-id='" + againId + "'] td.state"), "PENDING"));
        screenshot("dead-letters");

        // Fixed by hand: the same line, now a readable order; the processor decides it.
        OrderId orderId = OrderId.derive(CustomerId.of("fixed-by-hand"), SaleId.of(saleId), "replay-" + UUID.randomUUID());
        String fixed = new String(EventJson.write(OrderRequested.of(orderId, CustomerId.of("fixed-by-hand"), SaleId.of(saleId),
                Sku.of("GA"), 1, List.of(), Instant.now())), StandardCharsets.UTF_8);
        HttpResponse<String> replayed = http.send(admin("/api/v1/dlq/" + againId + "/replay")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("value", fixed)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> ordersOf(saleId) == 6);
        assertThat(statusOf(orderId.toString())).isEqualTo("CONFIRMED");
        waiting().until(ExpectedConditions.textToBe(By.id("s-decided"), "6"));
        screenshot("fixed-by-hand");
    }

    @Test
    void anOperatorSeesARoomsRatesAndPausesAndResumesIt() throws Exception {
        String roomId = "console-room-" + UUID.randomUUID().toString().substring(0, 8);
        String body = JSON.writeValueAsString(Map.of("roomId", roomId, "name", "Console room", "opensAt",
                Instant.now().minusSeconds(60).toString(), "admitPerMinute", 600, "maxActive", 50, "sessionSeconds", 900,
                "checkoutUrl", "https://shop.example/checkout"));
        HttpResponse<String> created = http.send(admin("/api/v1/rooms").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        browser.get(spillway.inventoryUrl() + "/admin/");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        browser.findElement(By.id("token")).sendKeys(Spillway.ADMIN_TOKEN);
        browser.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
        String row = "#rooms tr[data-room='" + roomId + "']";
        waiting().until(ExpectedConditions.textToBe(By.cssSelector(row + " td.state"), "OPEN"));
        assertThat(browser.findElement(By.cssSelector(row + " td.admit")).getText()).isEqualTo("600");
        assertThat(browser.findElement(By.cssSelector(row + " td.active")).getText()).isEqualTo("50");
        screenshot("rooms");

        browser.findElement(By.cssSelector(row)).findElement(By.xpath(".//button[text()='Pause']")).click();
        waiting().until(ExpectedConditions.textToBe(By.cssSelector(row + " td.state"), "PAUSED"));
        browser.findElement(By.cssSelector(row)).findElement(By.xpath(".//button[text()='Resume']")).click();
        waiting().until(ExpectedConditions.textToBe(By.cssSelector(row + " td.state"), "OPEN"));
        browser.findElement(By.id("sign-out")).click();
    }

    private JsonNode awaitDeadLetter(String saleId, int replayCount) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<String> listed = http.send(admin("/api/v1/dlq?state=PENDING&saleId=" + saleId).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode letter : JSON.readTree(listed.body()).path("deadLetters")) {
                if (letter.path("replayCount").asInt() == replayCount) {
                    return letter;
                }
            }
            return null;
        }, letter -> letter != null);
    }

    private void produceUnreadable(String key, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, io.spillway.testing.SharedInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(spillway.topics().requested(), key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private void screenshot(String state) throws Exception {
        Files.write(SCREENSHOTS.resolve(state + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    private HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(URI.create(spillway.inventoryUrl() + path)).header("Authorization", "Bearer " + Spillway.ADMIN_TOKEN);
    }

    private String newSale() throws Exception {
        String saleId = "console-" + UUID.randomUUID().toString().substring(0, 8);
        String body = JSON.writeValueAsString(Map.of("saleId", saleId, "name", "Console sale", "opensAt",
                Instant.now().minusSeconds(60).toString(), "perCustomerLimit", 4, "items", List.of(Map.of("sku", "GA", "stock", 100))));
        HttpResponse<String> created = http.send(admin("/api/v1/sales").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // The door knows the sale once an order above the limit is refused for the limit, not as unknown.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            HttpResponse<String> probe = send(saleId, "probe", 5);
            assertThat(probe.body()).as(probe.statusCode() + " " + probe.headers().map()).contains("above-customer-limit");
        });
        return saleId;
    }

    private HttpResponse<String> placeOrder(String saleId, String customer) throws Exception {
        return send(saleId, customer, 1);
    }

    private HttpResponse<String> send(String saleId, String customer, int quantity) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .header("X-Customer-Id", customer)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                                Map.of("saleId", saleId, "sku", "GA", "quantity", quantity))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int ordersOf(String saleId) throws Exception {
        return Integer.parseInt(query("SELECT count(*) FROM orders WHERE sale_id = ?", saleId));
    }

    private String statusOf(String orderId) throws Exception {
        return query("SELECT status FROM orders WHERE order_id = ?::uuid", orderId);
    }

    private String query(String sql, String parameter) throws Exception {
        var database = spillway.database();
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }
}
