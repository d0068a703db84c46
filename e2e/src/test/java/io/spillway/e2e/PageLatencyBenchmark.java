package io.spillway.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page's part of the opening benchmark (docs/benchmarks/opening.md): the time from an order's
 * decision (its {@code decided_at} in PostgreSQL, the processor's clock) to the moment the buyers'
 * page shows the result in its status region, for a few real browser pages following pre-queue
 * orders of a shuffled sale, once with only those orders in the pre-queue (the baseline) and once
 * while a load of pre-queue orders is decided at the same opening. The page's moment is stamped by
 * a MutationObserver in the page ({@code performance.timeOrigin + performance.now()} into
 * {@code data-shown-at}), read by Selenium afterwards. One machine: the browser, the JVM and
 * PostgreSQL read the same clock.
 *
 * <p>Limits: the stamp is the DOM change, not the paint; the pages are windows of one headless
 * Chromium, which shares the machine's cores with the services it measures; a handful of pages
 * make a p99 that is their maximum.
 */
final class PageLatencyBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OBSERVER = """
            var status = document.getElementById('status');
            delete status.dataset.shownAt;
            new MutationObserver(function (changes, observer) {
              var word = document.getElementById('status-word').textContent;
              if (word !== 'Queued' && word !== 'Sending' && !status.dataset.shownAt) {
                status.dataset.shownAt = String(performance.timeOrigin + performance.now());
                status.dataset.shownWord = word;
                observer.disconnect();
              }
            }).observe(status, { childList: true, subtree: true, characterData: true });
            """;

    private final Spillway spillway;
    private final ChromeDriver browser;
    private final HttpClient http = HttpClient.newHttpClient();

    private PageLatencyBenchmark(Spillway spillway, ChromeDriver browser) {
        this.spillway = spillway;
        this.browser = browser;
    }

    public static void main(String[] args) throws Exception {
        int pages = Integer.getInteger("bench.pages", 4);
        int load = Integer.getInteger("bench.load", 3000);
        int rounds = Integer.getInteger("bench.rounds", 2);
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        System.setProperty("webdriver.remote.enableTracing", "false");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--user-data-dir=" + Files.createTempDirectory("spillway-bench-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        try (Spillway spillway = new Spillway()) {
            ChromeDriver browser = new ChromeDriver(service, options);
            try {
                PageLatencyBenchmark bench = new PageLatencyBenchmark(spillway, browser);
                List<Double> baseline = new ArrayList<>();
                List<Double> loaded = new ArrayList<>();
                bench.round(pages, 0); // warm-up: the first opening also loads classes and opens connections
                for (int i = 0; i < rounds; i++) {
                    baseline.addAll(bench.round(pages, 0));
                    loaded.addAll(bench.round(pages, load));
                }
                report("baseline: pre-queue of " + pages + " pages' orders only", baseline, null);
                report("load: + " + load + " pre-queue orders decided at the same opening", loaded, baseline);
            } finally {
                browser.quit();
            }
        }
        System.exit(0);
    }

    /** One sale, one opening: the pages' decision-to-screen times in milliseconds. */
    private List<Double> round(int pages, int load) throws Exception {
        String saleId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        // Long enough to place the load and open the pages before the opening, on a busy machine.
        Instant opensAt = Instant.now().plusSeconds(20 + load / 150);
        createSale(saleId, opensAt, pages + load);
        awaitTheDoorKnows(saleId);
        CompletableFuture<Void> loading = placeLoad(saleId, load);
        List<String> windows = new ArrayList<>();
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            Map<?, ?> accepted = order(saleId, "page-" + i + "-" + UUID.randomUUID());
            String orderId = (String) accepted.get("orderId");
            if (i > 0) {
                browser.switchTo().newWindow(WindowType.WINDOW);
            }
            windows.add(browser.getWindowHandle());
            orders.add(orderId);
            follow(saleId, orderId, (String) accepted.get("accessToken"));
        }
        loading.join();
        if (Instant.now().isAfter(opensAt)) {
            throw new IllegalStateException("the load and the pages were not in before the opening; give it longer");
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            browser.switchTo().window(windows.get(i));
            Object shown = new WebDriverWait(browser, Duration.ofSeconds(180)).until(driver -> ((JavascriptExecutor) driver)
                    .executeScript("return document.getElementById('status').dataset.shownAt || null"));
            Instant decided = decidedAt(orders.get(i));
            millis.add(Double.parseDouble((String) shown) - (decided.getEpochSecond() * 1000.0 + decided.getNano() / 1e6));
        }
        for (int i = 1; i < windows.size(); i++) {
            browser.switchTo().window(windows.get(i)).close();
        }
        browser.switchTo().window(windows.get(0));
        System.out.printf("round load=%d: %s ms%n", load, millis.stream().map(m -> String.format("%.0f", m)).toList());
        return millis;
    }

    /** Opens the page on an order placed elsewhere, as a reload would, and starts its observer. */
    private void follow(String saleId, String orderId, String token) throws Exception {
        browser.get(spillway.notifierUrl() + "/page/config");
        Map<String, Object> purchase = Map.of("key", UUID.randomUUID().toString(), "orderId", orderId, "token", token,
                "body", Map.of("saleId", saleId, "sku", "GA", "quantity", 1));
        ((JavascriptExecutor) browser).executeScript("localStorage.setItem(arguments[0], arguments[1])",
                "spillway.purchase." + saleId, JSON.writeValueAsString(purchase));
        browser.get(spillway.notifierUrl() + "/s/" + saleId);
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> ((JavascriptExecutor) driver).executeScript(
                "return document.getElementById('status-text').textContent.indexOf('pre-queue') >= 0"));
        ((JavascriptExecutor) browser).executeScript(OBSERVER);
    }

    private CompletableFuture<Void> placeLoad(String saleId, int load) {
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < load; i++) {
            inFlight.acquireUninterruptibly();
            sent.add(http.sendAsync(orderRequest(saleId, "load-" + i + "-" + saleId), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> inFlight.release())
                    .thenAccept(response -> {
                        if (response.statusCode() != 202) {
                            throw new IllegalStateException(response.statusCode() + " " + response.body());
                        }
                    }));
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    private Map<?, ?> order(String saleId, String customer) throws Exception {
        HttpResponse<String> response = http.send(orderRequest(saleId, customer), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        return JSON.readValue(response.body(), Map.class);
    }

    private HttpRequest orderRequest(String saleId, String customer) {
        try {
            return HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .header("X-Customer-Id", customer)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            JSON.writeValueAsString(Map.of("saleId", saleId, "sku", "GA", "quantity", 1))))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void createSale(String saleId, Instant opensAt, int stock) throws Exception {
        Map<String, Object> sale = new HashMap<>(Map.of(
                "saleId", saleId,
                "name", "Opening benchmark",
                "opensAt", opensAt.toString(),
                "prequeueOpensAt", Instant.now().minusSeconds(60).toString(),
                "openingOrder", "SHUFFLED",
                "perCustomerLimit", 4,
                "items", List.of(Map.of("sku", "GA", "stock", stock))));
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(spillway.inventoryUrl() + "/api/v1/sales"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + Spillway.ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(sale)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException(created.statusCode() + " " + created.body());
        }
    }

    /** An order above the per-customer limit: 422 unknown sale until the door has seen the sale. */
    private void awaitTheDoorKnows(String saleId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> http.send(
                        HttpRequest.newBuilder(URI.create(spillway.ingestUrl() + "/api/v1/orders"))
                                .header("Content-Type", "application/json")
                                .header("Idempotency-Key", UUID.randomUUID().toString())
                                .header("X-Customer-Id", "probe")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        JSON.writeValueAsString(Map.of("saleId", saleId, "sku", "GA", "quantity", 5))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body().contains("above-customer-limit"));
    }

    private Instant decidedAt(String orderId) throws Exception {
        var database = spillway.database();
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                PreparedStatement query = connection.prepareStatement("SELECT decided_at FROM orders WHERE order_id = ?::uuid")) {
            query.setString(1, orderId);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("no decision in PostgreSQL for " + orderId);
                }
                return rows.getTimestamp(1).toInstant();
            }
        }
    }

    private static void report(String what, List<Double> millis, List<Double> baseline) {
        List<Double> sorted = millis.stream().sorted().toList();
        double p50 = percentile(sorted, 0.50);
        double p99 = percentile(sorted, 0.99);
        String ratio = "";
        if (baseline != null) {
            List<Double> base = baseline.stream().sorted().toList();
            ratio = String.format(" (%.2fx / %.2fx the baseline)", p50 / percentile(base, 0.50), p99 / percentile(base, 0.99));
        }
        System.out.printf("%s: n=%d p50=%.0f ms p99=%.0f ms%s%n", what, sorted.size(), p50, p99, ratio);
    }

    /** Nearest rank. */
    private static double percentile(List<Double> sorted, double q) {
        return sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
