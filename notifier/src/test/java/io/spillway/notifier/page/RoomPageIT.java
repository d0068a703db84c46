package io.spillway.notifier.page;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryWaiting;
import io.spillway.contract.admission.RoomId;
import io.spillway.contract.admission.RoomProgress;
import io.spillway.notifier.NotifierApplication;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The room's page (/r/{roomId}) in a real headless Chromium, against the notifier and the real
 * broker: a buyer joins, waits while the line moves, is admitted and lands on the shop's checkout
 * with the token. The test plays the door (a stand-in for ingest's join endpoint, with its CORS
 * answers), the admitter (it publishes the admission events) and the shop (a stand-in checkout
 * page), all in this JVM; the whole stack's browser test comes with the door and the admitter.
 * Screenshots go to {@code target/page-screenshots/}.
 */
@SpringBootTest(classes = NotifierApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RoomPageIT {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "page-screenshots");
    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final AdmissionTopics ADMISSION = AdmissionTopics.of(TOPICS);
    private static final String SECRET = "room-page-it-secret-" + UUID.randomUUID();
    private static final OrderTokens TOKENS = new OrderTokens(SECRET);

    private static HttpServer shop;
    private static ChromeDriver browser;
    private static Path profile;
    private static KafkaProducer<String, byte[]> producer;
    /** The customers the stand-in door took entries from, and the checkout addresses the shop was asked for. */
    private static final List<String> joined = new CopyOnWriteArrayList<>();
    private static final List<URI> checkouts = new CopyOnWriteArrayList<>();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        startShop();
        TestProperties.kafka(registry, TOPICS);
        registry.add("spillway.topics.partitions", () -> 2);
        registry.add("spillway.order-token.secret", () -> SECRET);
        registry.add("spillway.notifier.application-id", () -> "room-page-it-" + UUID.randomUUID());
        registry.add("spillway.notifier.state-dir", Files.createTempDirectory("room-page-it-state")::toString);
        registry.add("spillway.notifier.page.ingest-url", RoomPageIT::shopUrl);
    }

    /** The door's join endpoint and the shop's checkout, on one JDK server. */
    private static synchronized void startShop() throws IOException {
        if (shop != null) {
            return;
        }
        shop = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        shop.createContext("/api/v1/rooms/", RoomPageIT::join);
        shop.createContext("/checkout", exchange -> {
            checkouts.add(exchange.getRequestURI());
            answer(exchange, 200, "text/html;charset=UTF-8",
                    "<!doctype html><html lang=en><title>Stand-in checkout</title><h1>Stand-in checkout</h1>");
        });
        shop.start();
    }

    private static String shopUrl() {
        return "http://127.0.0.1:" + shop.getAddress().getPort();
    }

    /** {@code POST /api/v1/rooms/{roomId}/entries} as the contract has it: 202 with the entry and its token. */
    private static void join(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
        if (exchange.getRequestMethod().equals("OPTIONS")) {
            exchange.getResponseHeaders().add("Access-Control-Allow-Methods", "POST");
            exchange.getResponseHeaders().add("Access-Control-Allow-Headers", "Idempotency-Key, X-Customer-Id");
            answer(exchange, 204, null, null);
            return;
        }
        String[] path = exchange.getRequestURI().getPath().split("/");
        RoomId room = RoomId.of(path[4]);
        String customer = exchange.getRequestHeaders().getFirst("X-Customer-Id");
        EntryId entry = EntryId.of(room, CustomerId.of(customer));
        joined.add(customer);
        String token = TOKENS.tokenFor(new OrderId(entry.value()));
        answer(exchange, 202, "application/json", "{\"entryId\":\"" + entry + "\",\"accessToken\":\"" + token
                + "\",\"links\":{\"status\":\"/api/v1/entries/" + entry + "?token=" + token + "\"}}");
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (type != null) {
            exchange.getResponseHeaders().add("Content-Type", type);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafkaBootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        System.setProperty("webdriver.remote.enableTracing", "false");
        profile = Files.createTempDirectory("spillway-chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile);
        options.setExperimentalOption("mobileEmulation",
                Map.of("deviceMetrics", Map.of("width", 375, "height", 900, "pixelRatio", 1.0)));
        browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build(), options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (producer != null) {
            producer.close();
        }
        if (shop != null) {
            shop.stop(0);
        }
    }

    @Test
    void aBuyerJoinsWaitsWhileTheLineMovesIsAdmittedAndLandsOnTheCheckoutWithTheToken() throws Exception {
        RoomId room = RoomId.of("room-" + UUID.randomUUID().toString().substring(0, 8));
        browser.get("http://127.0.0.1:" + port + "/r/" + room);
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("join")));
        assertThat(browser.findElement(By.id("join")).getAccessibleName()).contains("Join");
        browser.findElement(By.id("join")).click();

        // The door took the entry: the page follows it.
        waiting().until(driver -> !driver.findElement(By.id("entry-id")).getText().isBlank());
        EntryId entry = EntryId.of(browser.findElement(By.id("entry-id")).getText());
        assertThat(joined).hasSize(1);
        assertThat(entry).isEqualTo(EntryId.of(room, CustomerId.of(joined.getFirst())));

        // The admitter puts it in line, 30th, at 60 a minute; then the line moves.
        Instant now = Instant.now();
        publish(new EntryWaiting(1, entry, room, 30L, false, now.minusSeconds(60), now));
        publish(progress(room, 0, now));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("queue-position"), "place in line: 30"));
        assertThat(status().getText()).contains("Waiting");
        publish(progress(room, 22, now.plusSeconds(1)));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("queue-position"), "place in line: 8"));
        assertThat(browser.findElement(By.id("queue-eta")).getText()).startsWith("About");
        screenshot("room-waiting");

        // Admitted: a button to the shop at once, and the page goes there by itself a few seconds later.
        String jwt = "eyJhbGciOiJFUzI1NiJ9.eyJyb29tIjoieCJ9.c2lnbmF0dXJl";
        URI checkout = URI.create(shopUrl() + "/checkout?token=" + jwt);
        publish(new EntryAdmitted(1, entry, room, CustomerId.of(joined.getFirst()), 30, UUID.randomUUID(), jwt,
                now.plusSeconds(900), checkout, now.plusSeconds(2)));
        waiting().until(ExpectedConditions.textToBePresentInElement(status(), "Admitted"));
        assertThat(browser.findElement(By.id("go")).getAttribute("href")).isEqualTo(checkout.toString());
        screenshot("room-admitted");

        waiting().until(ExpectedConditions.titleIs("Stand-in checkout"));
        assertThat(browser.getCurrentUrl()).isEqualTo(checkout.toString());
        assertThat(checkouts).extracting(URI::getQuery).contains("token=" + jwt);
    }

    private static RoomProgress progress(RoomId room, long admittedThrough, Instant at) {
        return new RoomProgress(1, room, admittedThrough, 40, 0, 10, 60, 0, true, at);
    }

    private static void publish(AdmissionEvent event) throws Exception {
        producer.send(new ProducerRecord<>(ADMISSION.admissions(), event.key(), AdmissionJson.writeEvent(event))).get();
    }

    private org.openqa.selenium.WebElement status() {
        return browser.findElement(By.cssSelector("[role=status]"));
    }

    private void screenshot(String state) throws IOException {
        Files.write(SCREENSHOTS.resolve(state + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }
}
