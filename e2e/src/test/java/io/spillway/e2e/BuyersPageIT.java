package io.spillway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The buyers' page (/s/{saleId}) in a real headless Chromium, against the four services, a real
 * broker and a real PostgreSQL: what a buyer sees from the sale to the result, through a reload, a
 * double click and a notifier restart. One browser for the class, at a phone's width (375 px); each
 * state is saved as a screenshot under {@code target/page-screenshots/}.
 *
 * <p>Chromium and chromedriver are Debian's ({@code /usr/bin}); Selenium is given both paths, so it
 * never runs Selenium Manager nor downloads anything.
 */
class BuyersPageIT {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final int PHONE_WIDTH = 375;
    private static final Path SCREENSHOTS = Path.of("target", "page-screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Spillway spillway;
    private static ChromeDriver browser;
    private static Path profile;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        spillway = new Spillway();
        // Belt and braces: with the driver's path known, Selenium has nothing to look for.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        // Selenium's own OpenTelemetry tracing: off, it is not what these tests look at.
        System.setProperty("webdriver.remote.enableTracing", "false");
        profile = Files.createTempDirectory("spillway-chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile);
        // A phone's viewport: a desktop window cannot be made narrower than about 500 px.
        options.setExperimentalOption("mobileEmulation",
                Map.of("deviceMetrics", Map.of("width", PHONE_WIDTH, "height", 900, "pixelRatio", 1.0)));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
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
    void aBuyerOfAHeldSaleIsConfirmedPaysWithTheDemoButtonAndSeesPaid() throws Exception {
        String saleId = newSale(600, 5);
        open(saleId);
        WebElement buy = awaitBuyable();
        assertThat(buy.getAccessibleName()).contains("Buy");
        screenshot("sale");

        // Keyboard only: Tab to the quantity, type it, Enter submits the form.
        tabTo("quantity");
        browser.switchTo().activeElement().sendKeys(Keys.chord(Keys.CONTROL, "a"), "2", Keys.ENTER);

        awaitStatus("Confirmed");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("hold-countdown"), "left to pay"));
        assertThat(status().getText()).contains("held for you");
        assertThat(browser.findElement(By.id("cancel")).isDisplayed()).isTrue();
        screenshot("confirmed-held");

        browser.findElement(By.id("pay")).sendKeys(Keys.ENTER);
        awaitStatus("Paid");
        assertThat(browser.findElement(By.id("hold")).isDisplayed()).isFalse();
        screenshot("paid");
        assertFitsAPhone();
    }

    @Test
    void aBuyerInTheShuffledPreQueueSeesTheDrawThenIsHeldPaysAndSeesTheSeed() throws Exception {
        Instant opensAt = Instant.now().plusSeconds(20);
        String saleId = newSale(600, 5, Map.of(
                "opensAt", opensAt.toString(),
                "prequeueOpensAt", Instant.now().minusSeconds(60).toString(),
                "openingOrder", "SHUFFLED"));
        open(saleId);
        awaitBuyable().click();

        // The pre-queue as the contract gives it: QUEUED, prequeue, no position, an ETA from the opening.
        awaitStatus("Queued");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[role=status]"),
                "the line is drawn at"));
        String orderId = awaitOrderId();
        assertThat(browser.findElement(By.id("queue-position")).getText()).contains("decided by the draw");
        assertThat(browser.findElement(By.id("queue-eta")).getText()).startsWith("About");
        assertThat(((JavascriptExecutor) browser).executeScript(
                "return document.getElementById('queue-progress').hasAttribute('value')"))
                .as("no position yet: the progress bar is indeterminate").isEqualTo(false);
        Map<?, ?> before = saleView(saleId);
        Map<?, ?> draw = (Map<?, ?>) before.get("draw");
        assertThat(draw.get("seed")).isNull();
        assertThat(drawText()).contains((String) draw.get("commitment")).contains("revealed once");
        assertThat(Instant.now()).as("the pre-queue was seen before the opening").isBefore(opensAt);
        screenshot("prequeue");
        assertFitsAPhone();

        awaitStatus("Confirmed", Duration.ofSeconds(90));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("hold-countdown"), "left to pay"));
        assertThat(awaitOrderId()).isEqualTo(orderId);
        browser.findElement(By.id("pay")).click();
        awaitStatus("Paid");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> ((Map<?, ?>) saleView(saleId).get("draw")).get("seed") != null);
        String seed = (String) ((Map<?, ?>) saleView(saleId).get("draw")).get("seed");
        waiting().until(driver -> drawText().contains("Seed: " + seed));
        assertThat(ordersOf(saleId)).isEqualTo(1);
    }

    @Test
    void aDoubleClickAndAReloadMidQueueContinueTheSameOneOrder() throws Exception {
        String saleId = newSale(0, 5);
        spillway.pauseProcessor();
        try {
            open(saleId);
            WebElement buy = awaitBuyable();
            new Actions(browser).doubleClick(buy).perform();
            awaitStatus("Queued");
            String orderId = awaitOrderId();
            screenshot("queued");
            assertFitsAPhone();

            browser.navigate().refresh();
            awaitStatus("Queued");
            assertThat(awaitOrderId()).isEqualTo(orderId);
        } finally {
            spillway.resumeProcessor();
        }
        awaitStatus("Confirmed");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#stock tbody"), "4 of 5"));
        screenshot("confirmed");
        assertThat(ordersOf(saleId)).isEqualTo(1);
    }

    @Test
    void thePageRecoversFromANotifierRestartAndShowsTheResult() throws Exception {
        String saleId = newSale(0, 5);
        spillway.pauseProcessor();
        try {
            open(saleId);
            awaitBuyable().click();
            awaitStatus("Queued");
            awaitOrderId();

            spillway.stopNotifier();
            waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("connection")));
            assertThat(browser.findElement(By.id("connection")).getText()).contains("reconnecting");
            screenshot("reconnecting");
        } finally {
            spillway.resumeProcessor();
        }
        spillway.startNotifier();
        awaitStatus("Confirmed", Duration.ofSeconds(120));
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("connection")));
        assertThat(ordersOf(saleId)).isEqualTo(1);
    }

    @Test
    void aBuyerPicksAFreeSeatOnTheSeatMapWhereATakenOneCannotBePicked() throws Exception {
        String saleId = newSale(0, 5);
        HttpResponse<String> other = send(saleId, "seat-a1-owner", Map.of("saleId", saleId, "sku", "VIP", "seatIds", List.of("A-1")));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(202);
        String seats = spillway.inventoryUrl() + "/api/v1/sales/" + saleId + "/items/VIP/seats";
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> map = http.send(HttpRequest.newBuilder(URI.create(seats)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(map.statusCode()).as(map.body()).isEqualTo(200);
            assertThat(JSON.readTree(map.body()).at("/seats/0/free").asBoolean(true)).as(map.body()).isFalse();
        });

        open(saleId);
        awaitBuyable();
        browser.findElement(By.cssSelector("input[name='sku'][value='VIP']")).click();
        WebElement taken = waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#seat-map input[name='seat'][value='A-1']")));
        assertThat(taken.isEnabled()).as("a taken seat").isFalse();
        WebElement free = browser.findElement(By.cssSelector("#seat-map input[name='seat'][value='A-2']"));
        free.sendKeys(Keys.SPACE);
        assertThat(free.isSelected()).isTrue();
        screenshot("seat-map");
        browser.findElement(By.id("buy")).click();

        awaitStatus("Confirmed");
        assertThat(browser.findElement(By.id("order-what")).getText()).contains("A-2").doesNotContain("A-1");
    }

    @Test
    void aBuyerRejectedBecauseTheItemSoldOutSeesWhy() throws Exception {
        String saleId = newSale(0, 1);
        spillway.pauseProcessor();
        try {
            // Another buyer is ahead in the line for the only unit.
            HttpResponse<String> first = placeOrder(saleId, "first-in-line");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            open(saleId);
            awaitBuyable().click();
            awaitStatus("Queued");
        } finally {
            spillway.resumeProcessor();
        }
        awaitStatus("Rejected");
        assertThat(status().getText()).contains("Sold out");
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("new-order")));
        // The sale view catches up within a second or so of the decisions, and the page polls it.
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#stock tbody"), "Sold out"));
        screenshot("rejected");
    }

    @Test
    void ingestAndInventoryAnswerTheBrowserFromThePageOriginOnly() throws Exception {
        String page = spillway.notifierUrl();
        HttpResponse<String> allowed = preflight(spillway.ingestUrl() + "/api/v1/orders", page, "POST",
                "content-type,idempotency-key,x-customer-id");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains(page);

        HttpResponse<String> elsewhere = preflight(spillway.ingestUrl() + "/api/v1/orders", "http://elsewhere.example",
                "POST", "content-type,idempotency-key,x-customer-id");
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(elsewhere.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        // The payment endpoint is the payment system's, server to server: never open to a page.
        HttpResponse<String> payment = preflight(spillway.ingestUrl() + "/api/v1/orders/" + UUID.randomUUID() + "/payment",
                page, "POST", "authorization,content-type,idempotency-key");
        assertThat(payment.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        // The page reads the public sale view; the admin's token can never travel from it.
        HttpResponse<String> adminFromPage = preflight(spillway.inventoryUrl() + "/api/v1/sales", page, "POST",
                "authorization,content-type");
        assertThat(adminFromPage.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        String saleId = newSale(0, 1);
        HttpResponse<String> view = http.send(HttpRequest.newBuilder(URI.create(spillway.inventoryUrl() + "/api/v1/sales/" + saleId))
                .header("Origin", page).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.headers().firstValue("Access-Control-Allow-Origin")).contains(page);
    }

    // --- the browser ---------------------------------------------------------------------------

    private void open(String saleId) {
        browser.get(spillway.notifierUrl() + "/s/" + saleId);
    }

    private WebElement awaitBuyable() {
        return waiting().until(ExpectedConditions.elementToBeClickable(By.id("buy")));
    }

    private WebElement status() {
        return browser.findElement(By.cssSelector("[role=status]"));
    }

    private void awaitStatus(String word) {
        awaitStatus(word, Duration.ofSeconds(60));
    }

    private void awaitStatus(String word, Duration within) {
        new WebDriverWait(browser, within).until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[role=status]"), word));
    }

    private String awaitOrderId() {
        waiting().until(driver -> driver.findElement(By.id("order-id")).getText().matches("[0-9a-f-]{36}"));
        return browser.findElement(By.id("order-id")).getText();
    }

    /** Presses Tab until the element with this id has the focus: it is reachable by keyboard. */
    private void tabTo(String id) {
        ((JavascriptExecutor) browser).executeScript("document.activeElement && document.activeElement.blur()");
        waiting().pollingEvery(Duration.ofMillis(50)).until(driver -> {
            new Actions(driver).sendKeys(Keys.TAB).perform();
            return id.equals(driver.switchTo().activeElement().getAttribute("id"));
        });
    }

    private void assertFitsAPhone() {
        Object width = ((JavascriptExecutor) browser).executeScript("return document.documentElement.clientWidth");
        assertThat(((Number) width).intValue()).isEqualTo(PHONE_WIDTH);
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(((Number) overflow).intValue()).as("horizontal overflow at %d px", PHONE_WIDTH).isLessThanOrEqualTo(0);
    }

    private void screenshot(String state) throws IOException {
        ((JavascriptExecutor) browser).executeScript("window.getSelection().removeAllRanges()");
        Files.write(SCREENSHOTS.resolve(state + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    // --- the services --------------------------------------------------------------------------

    private String newSale(int holdSeconds, int stock) throws Exception {
        return newSale(holdSeconds, stock, Map.of());
    }

    /** @param opening fields put over the defaults: opensAt, prequeueOpensAt, openingOrder */
    private String newSale(int holdSeconds, int stock, Map<String, Object> opening) throws Exception {
        String saleId = "page-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> sale = new HashMap<>(Map.of(
                "saleId", saleId,
                "name", "Winter concert",
                "opensAt", Instant.now().minusSeconds(60).toString(),
                "perCustomerLimit", 4,
                "items", List.of(Map.of("sku", "GA", "stock", stock), Map.of("sku", "VIP", "seats", List.of("A-1", "A-2")))));
        if (holdSeconds > 0) {
            sale.put("holdSeconds", holdSeconds);
        }
        sale.putAll(opening);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(spillway.inventoryUrl() + "/api/v1/sales"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + Spillway.ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(sale)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        awaitTheDoorKnows(saleId);
        return saleId;
    }

    /** An order above the per-customer limit: 422 unknown sale until the door has seen it, then 422 above the limit. */
    private void awaitTheDoorKnows(String saleId) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            HttpResponse<String> probe = send(saleId, "probe", Map.of("saleId", saleId, "sku", "GA", "quantity", 5));
            assertThat(probe.body()).contains("above-customer-limit");
        });
    }

    private HttpResponse<String> placeOrder(String saleId, String customer) throws Exception {
        return send(saleId, customer, Map.of("saleId", saleId, "sku", "GA", "quantity", 1));
    }

    private HttpResponse<String> send(String saleId, String customer, Map<String, Object> body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .header("X-Customer-Id", customer)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> preflight(String url, String origin, String method, String headers) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", origin)
                        .header("Access-Control-Request-Method", method)
                        .header("Access-Control-Request-Headers", headers)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Map<?, ?> saleView(String saleId) throws Exception {
        HttpResponse<String> view = http.send(HttpRequest.newBuilder(URI.create(spillway.inventoryUrl() + "/api/v1/sales/" + saleId))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        return JSON.readValue(view.body(), Map.class);
    }

    /** The draw's text, inside a closed details element: its text content, shown or not. */
    private String drawText() {
        return browser.findElement(By.id("draw-text")).getAttribute("textContent");
    }

    /** Decided orders of the sale, the browser's customer's and everyone else's. */
    private int ordersOf(String saleId) throws Exception {
        var database = spillway.database();
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM orders WHERE sale_id = ?")) {
            query.setString(1, saleId);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
