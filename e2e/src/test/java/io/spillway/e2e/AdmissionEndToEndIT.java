package io.spillway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.spillway.contract.Draw;
import io.spillway.contract.OrderId;
import io.spillway.contract.admission.AdmissionEnded;
import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.contract.admission.EntryClosed;
import io.spillway.contract.admission.EntryWaiting;
import io.spillway.contract.admission.RoomProgress;
import io.spillway.testing.SharedInfrastructure;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A room through the four services, a real broker and a real PostgreSQL, from the outside only
 * (CONTRACT.md, "Admission"): an operator creates a room at inventory-service, buyers join at the
 * door, the admitter admits them in the drawn line at the rates in force, and a stand-in shop
 * verifies each token against the JWKS inventory-service serves (with Nimbus, as any shop would, not
 * with Spillway's classes) and calls leave. What the admitter did is read from the admissions topic,
 * as anyone auditing a room would; the buyers' view of an entry is the notifier's answer. Last, a
 * real browser (Debian's headless Chromium, as BuyersPageIT) waits on the room's page and is sent to
 * a stand-in checkout served here, which verifies the token it receives through the JWKS.
 */
class AdmissionEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int BUYERS = 12;

    private static Spillway spillway;
    private static Admissions admissions;
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    @BeforeAll
    static void startSpillway() throws Exception {
        spillway = new Spillway();
        admissions = new Admissions(AdmissionTopics.of(spillway.topics()).admissions());
    }

    @AfterAll
    static void stopSpillway() {
        if (admissions != null) {
            admissions.close();
        }
        if (spillway != null) {
            spillway.close();
        }
    }

    @Test
    void buyersAreAdmittedInTheDrawnLineAtTheRatesInForceAndTheShopVerifiesAndEndsEachAdmission() throws Exception {
        String roomId = "e2e-room-" + UUID.randomUUID().toString().substring(0, 8);
        Instant opensAt = Instant.now().plusSeconds(15).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> created = admin("POST", "/api/v1/rooms", Map.of(
                "roomId", roomId, "name", "Admission end-to-end", "opensAt", opensAt.toString(),
                "prequeueOpensAt", Instant.now().minusSeconds(60).toString(), "openingOrder", "SHUFFLED",
                "admitPerMinute", 600, "maxActive", 1, "sessionSeconds", 600,
                "checkoutUrl", "https://shop.example/checkout"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("state").asText()).isEqualTo("PREQUEUE");

        // Buyers join in the pre-queue: 202 each, and a retry (a new Idempotency-Key) is the same entry.
        Map<String, String> customerOf = new LinkedHashMap<>();
        Map<String, String> accessTokens = new HashMap<>();
        for (int i = 0; i < BUYERS; i++) {
            String customer = "room-buyer-" + i;
            JsonNode joined = join(roomId, customer);
            customerOf.put(joined.get("entryId").asText(), customer);
            accessTokens.put(joined.get("entryId").asText(), joined.get("accessToken").asText());
        }
        JsonNode again = join(roomId, "room-buyer-0");
        assertThat(again.get("entryId").asText()).isEqualTo(customerOf.keySet().iterator().next());
        assertThat(again.get("status").asText()).isEqualTo("WAITING");

        Shop shop = new Shop(roomId, get(spillway.inventoryUrl() + "/.well-known/jwks.json"));

        // maxActive 1: the first in the draw is admitted at the opening, the next only once the shop lets it leave.
        EntryAdmitted first = awaitAdmitted(roomId, 1).get(0);
        assertThat(first.happenedAt()).isAfterOrEqualTo(opensAt);
        assertThat(first.url().toString()).startsWith("https://shop.example/checkout");
        shop.verify(first, customerOf);
        // The buyers' view (the notifier): the admitted entry carries its token and the shop's URL; one
        // still in line waits with its position.
        String firstId = first.entryId().toString();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode status = entryStatus(firstId, accessTokens.get(firstId));
            assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("ADMITTED");
            assertThat(status.get("admission").get("token").asText()).isEqualTo(first.token());
            assertThat(status.get("admission").get("url").asText()).startsWith("https://shop.example/checkout");
        });
        String waitingId = customerOf.keySet().stream().filter(id -> !id.equals(firstId)).findFirst().orElseThrow();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode status = entryStatus(waitingId, accessTokens.get(waitingId));
            assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("WAITING");
            assertThat(status.get("queue").get("position").asLong()).as(status.toString()).isPositive();
            assertThat(status.path("admission").isObject()).as("no admission while waiting").isFalse();
        });

        String tampered = tamper(first.token());
        assertThat(shop.accepts(tampered)).as("the shop refuses a tampered token").isFalse();
        HttpResponse<String> forged = leave(roomId, tampered);
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
        assertThat(forged.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("application/problem+json"));

        EntryAdmitted second = shopEndsAndNextIsAdmitted(roomId, shop, first, customerOf, 2);
        EntryAdmitted third = shopEndsAndNextIsAdmitted(roomId, shop, second, customerOf, 3);

        // A slower pace, no cap on actives: one admission every 5 s, give or take the admitter's 1 s of tolerance.
        assertThat(rates(roomId, Map.of("admitPerMinute", 12, "maxActive", 0))).isEqualTo("12/0");
        List<EntryAdmitted> slow = awaitAdmitted(roomId, 5).subList(3, 5);
        assertThat(Duration.between(slow.get(0).happenedAt(), slow.get(1).happenedAt()))
                .as("two admissions at 12 a minute").isGreaterThanOrEqualTo(Duration.ofSeconds(4));

        // A faster pace with a cap of 6 active (#3, #4, #5 still are): three more, together, then nobody.
        assertThat(rates(roomId, Map.of("admitPerMinute", 600, "maxActive", 6))).isEqualTo("600/6");
        List<EntryAdmitted> fast = awaitAdmitted(roomId, 8).subList(5, 8);
        assertThat(Duration.between(fast.get(0).happenedAt(), fast.get(2).happenedAt()))
                .as("three admissions at 600 a minute, which 12 a minute would have spread over 10 s")
                .isLessThan(Duration.ofSeconds(4));
        await().atMost(PATIENCE).until(() -> !admissions.of(roomId, RoomProgress.class).stream()
                .filter(progress -> progress.maxActive() == 6 && progress.active() == 6 && progress.lineLength() == BUYERS)
                .toList().isEmpty());

        // Every admission follows the line, and the pre-queue's line is the draw anyone can recompute.
        List<EntryAdmitted> admitted = awaitAdmitted(roomId, 8);
        assertThat(admitted).extracting(EntryAdmitted::line).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(admitted.get(2)).isEqualTo(third);
        assertThat(new HashSet<>(admitted.stream().map(EntryAdmitted::jti).toList())).hasSize(8);
        assertLinesFollowTheDraw(roomId);

        // Close: the four still waiting end CLOSED, the admitted stay admitted, and the door turns buyers away.
        HttpResponse<String> closed = admin("POST", "/api/v1/rooms/" + roomId + "/close", null);
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
        assertThat(JSON.readTree(closed.body()).get("state").asText()).isEqualTo("CLOSED");
        await().atMost(PATIENCE).until(() -> admissions.of(roomId, EntryClosed.class).size() == BUYERS - 8);
        Set<String> waiting = new HashSet<>(customerOf.keySet());
        admitted.forEach(admission -> waiting.remove(admission.entryId().toString()));
        assertThat(admissions.of(roomId, EntryClosed.class)).extracting(event -> event.entryId().toString())
                .containsExactlyInAnyOrderElementsOf(waiting);
        await().atMost(PATIENCE).until(() -> !admissions.of(roomId, RoomProgress.class).stream()
                .filter(progress -> !progress.opened() && progress.admittedThrough() == BUYERS).toList().isEmpty());
        assertThat(admissions.of(roomId, EntryAdmitted.class)).hasSize(8);
        AtomicReference<HttpResponse<String>> late = new AtomicReference<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
            late.set(post(spillway.ingestUrl() + "/api/v1/rooms/" + roomId + "/entries",
                    Map.of("X-Customer-Id", "too-late", "Idempotency-Key", UUID.randomUUID().toString())));
            return late.get().statusCode() == 409;
        });
        assertThat(late.get().body()).contains("room-closed");
    }

    @Test
    void aBuyerWaitsOnTheRoomPageIsAdmittedAndLandsOnTheShopsCheckoutWithAValidToken() throws Exception {
        // The stand-in shop's checkout: it verifies the token it is handed against the JWKS, as a shop would.
        List<String> verifiedCustomers = new CopyOnWriteArrayList<>();
        HttpServer checkout = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String roomId = "e2e-page-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = admin("POST", "/api/v1/rooms", Map.of(
                "roomId", roomId, "name", "Admission page", "opensAt", Instant.now().minusSeconds(1).toString(),
                "admitPerMinute", 600, "maxActive", 1, "sessionSeconds", 600,
                "checkoutUrl", "http://127.0.0.1:" + startCheckout(checkout, roomId, verifiedCustomers) + "/checkout"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Path profile = Files.createTempDirectory("spillway-chromium-admission");
        ChromeDriver browser = null;
        try {
            // Someone ahead holds the only slot, so the page's buyer waits until the shop lets them leave.
            join(roomId, "ahead-of-the-page");
            EntryAdmitted ahead = awaitAdmitted(roomId, 1).get(0);

            System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
            System.setProperty("webdriver.remote.enableTracing", "false");
            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--user-data-dir=" + profile);
            browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                    .usingAnyFreePort().build(), options);
            browser.get(spillway.notifierUrl() + "/r/" + roomId);
            WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
            wait.until(ExpectedConditions.elementToBeClickable(By.id("join"))).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("queue-position"), "You are next"));
            assertThat(browser.findElement(By.id("status-word")).getText()).isNotBlank();

            HttpResponse<String> left = leave(roomId, ahead.token());
            assertThat(left.statusCode()).as(left.body()).isEqualTo(202);
            wait.until(ExpectedConditions.urlContains("/checkout"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "verified"));
            assertThat(browser.getCurrentUrl()).contains("spillway_token=");
            EntryAdmitted admitted = awaitAdmitted(roomId, 2).get(1);
            assertThat(verifiedCustomers).as("the checkout verified the page's buyer's token").singleElement()
                    .isEqualTo(admitted.customerId().value());
            assertThat(browser.getCurrentUrl()).contains(admitted.token());
        } finally {
            if (browser != null) {
                browser.quit();
            }
            checkout.stop(0);
        }
    }

    /** Answers {@code /checkout?spillway_token=…}: 200 "verified" for a token the JWKS verifies, 401 otherwise. */
    private int startCheckout(HttpServer server, String roomId, List<String> verifiedCustomers) throws Exception {
        Shop shop = new Shop(roomId, get(spillway.inventoryUrl() + "/.well-known/jwks.json"));
        server.createContext("/checkout", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String token = query == null ? "" : java.util.Arrays.stream(query.split("&"))
                    .filter(pair -> pair.startsWith("spillway_token=")).map(pair -> pair.substring(15)).findFirst().orElse("");
            java.util.Optional<String> customer = shop.customer(token);
            customer.ifPresent(verifiedCustomers::add);
            byte[] body = ("<!doctype html><title>Stand-in checkout</title><p>"
                    + (customer.isPresent() ? "Admission verified" : "Refused") + "</p>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(customer.isPresent() ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    /** The shop verifies the admitted token, lets its buyer leave, and the freed slot goes to the next in line. */
    private EntryAdmitted shopEndsAndNextIsAdmitted(
            String roomId, Shop shop, EntryAdmitted current, Map<String, String> customerOf, int next) throws Exception {
        assertThat(admissions.of(roomId, EntryAdmitted.class)).as("maxActive 1: nobody else while it is active")
                .hasSize(next - 1);
        shop.verify(current, customerOf);
        Instant leftAt = Instant.now();
        HttpResponse<String> left = leave(roomId, current.token());
        assertThat(left.statusCode()).as(left.body()).isEqualTo(202);
        assertThat(JSON.readTree(left.body()).get("entryId").asText()).isEqualTo(current.entryId().toString());

        EntryAdmitted admitted = awaitAdmitted(roomId, next).get(next - 1);
        // The end is keyed by its entry: on another partition than the admission, read a moment apart.
        await().atMost(PATIENCE).until(() -> admissions.of(roomId, AdmissionEnded.class).stream()
                .anyMatch(end -> end.entryId().equals(current.entryId())));
        List<AdmissionEnded> ends = admissions.of(roomId, AdmissionEnded.class).stream()
                .filter(end -> end.entryId().equals(current.entryId())).toList();
        assertThat(ends).as("one end, by the leave with the real token").singleElement().satisfies(end -> {
            assertThat(end.reason()).isEqualTo(AdmissionEnded.Reason.LEFT);
            assertThat(end.jti()).isEqualTo(current.jti());
            assertThat(end.happenedAt()).as("not freed by an earlier, refused leave").isAfterOrEqualTo(leftAt);
            assertThat(admitted.happenedAt()).as("admitted into the freed slot").isAfterOrEqualTo(end.happenedAt());
        });
        return admitted;
    }

    /** Lines 1.. of the pre-queue entries are in ascending draw key of the revealed seed. */
    private void assertLinesFollowTheDraw(String roomId) throws Exception {
        AtomicReference<JsonNode> draw = new AtomicReference<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode answer = JSON.readTree(get(spillway.inventoryUrl() + "/api/v1/rooms/" + roomId + "/draw"));
            assertThat(answer.get("seed").isNull()).as("the seed is revealed").isFalse();
            draw.set(answer);
        });
        byte[] seed = Draw.fromHex(draw.get().get("seed").asText());
        assertThat(Draw.commitment(seed)).isEqualTo(draw.get().get("commitment").asText());
        Map<String, Long> lines = new HashMap<>();
        Set<String> prequeue = new HashSet<>();
        for (EntryWaiting waiting : admissions.of(roomId, EntryWaiting.class)) {
            if (waiting.prequeue()) {
                prequeue.add(waiting.entryId().toString());
            }
            if (waiting.line() != null) {
                lines.put(waiting.entryId().toString(), waiting.line());
            }
        }
        assertThat(prequeue).as("pre-queue entries").isNotEmpty();
        List<String> byLine = prequeue.stream().sorted(Comparator.comparing(lines::get)).toList();
        List<String> byKey = prequeue.stream()
                .sorted(Comparator.comparing((String entry) -> Draw.key(seed, OrderId.of(entry)))).toList();
        assertThat(byLine).isEqualTo(byKey);
        assertThat(byLine.stream().map(lines::get).toList()).as("the pre-queue comes first")
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, prequeue.size()).boxed().toList());
    }

    private List<EntryAdmitted> awaitAdmitted(String roomId, int count) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> admissions.of(roomId, EntryAdmitted.class).size() >= count);
        return admissions.of(roomId, EntryAdmitted.class).stream()
                .sorted(Comparator.comparing(EntryAdmitted::line)).toList();
    }

    /** Joins (the door may learn of the room a moment after its creation: 404 until then); the 202's body. */
    private JsonNode join(String roomId, String customer) throws Exception {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last.set(post(spillway.ingestUrl() + "/api/v1/rooms/" + roomId + "/entries",
                    Map.of("X-Customer-Id", customer, "Idempotency-Key", UUID.randomUUID().toString())));
            return last.get().statusCode() != 404;
        });
        assertThat(last.get().statusCode()).as(last.get().body()).isEqualTo(202);
        return JSON.readTree(last.get().body());
    }

    private JsonNode entryStatus(String entryId, String accessToken) throws Exception {
        return JSON.readTree(get(spillway.notifierUrl() + "/api/v1/entries/" + entryId + "?token=" + accessToken));
    }

    private HttpResponse<String> leave(String roomId, String token) throws Exception {
        return post(spillway.ingestUrl() + "/api/v1/rooms/" + roomId + "/leave", Map.of("Authorization", "Bearer " + token));
    }

    /** PATCHes the rates; the answer's rates as {@code admitPerMinute/maxActive}. */
    private String rates(String roomId, Map<String, Object> rates) throws Exception {
        HttpResponse<String> changed = admin("PATCH", "/api/v1/rooms/" + roomId, rates);
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        JsonNode room = JSON.readTree(changed.body());
        return room.get("admitPerMinute").asInt() + "/" + room.get("maxActive").asInt();
    }

    /** The token with one character of its signature changed. */
    private static String tamper(String token) {
        int at = token.lastIndexOf('.') + 10;
        char replaced = token.charAt(at) == 'A' ? 'B' : 'A';
        return token.substring(0, at) + replaced + token.substring(at + 1);
    }

    private HttpResponse<String> admin(String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(spillway.inventoryUrl() + path))
                .header("Authorization", "Bearer " + Spillway.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    /**
     * The stand-in shop's checkout: it knows only the JWKS it fetched and its own room, and checks a
     * token as docs/admission.md tells shops to (ES256 only, the key named by {@code kid}, {@code exp},
     * the {@code room} claim, every claim present).
     */
    private static final class Shop {

        private final DefaultJWTProcessor<SecurityContext> tokens = new DefaultJWTProcessor<>();

        Shop(String roomId, String jwks) throws Exception {
            JWKSet keys = JWKSet.parse(jwks);
            assertThat(keys.getKeys()).as("public keys only").noneMatch(key -> key.isPrivate());
            tokens.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(keys)));
            tokens.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                    new JWTClaimsSet.Builder().claim("room", roomId).build(), Set.of("sub", "room", "jti", "iat", "exp")));
        }

        void verify(EntryAdmitted admitted, Map<String, String> customerOf) throws Exception {
            JWTClaimsSet claims = tokens.process(admitted.token(), null);
            assertThat(claims.getSubject()).isEqualTo(customerOf.get(admitted.entryId().toString()));
            assertThat(claims.getJWTID()).isEqualTo(admitted.jti().toString());
            assertThat(claims.getExpirationTime().toInstant()).isEqualTo(admitted.expiresAt().truncatedTo(ChronoUnit.SECONDS));
        }

        /** The verified token's customer ({@code sub}), or empty. */
        java.util.Optional<String> customer(String token) {
            try {
                return java.util.Optional.of(tokens.process(token, null).getSubject());
            } catch (Exception refused) {
                return java.util.Optional.empty();
            }
        }

        boolean accepts(String token) {
            try {
                tokens.process(token, null);
                return true;
            } catch (Exception refused) {
                return false;
            }
        }
    }

    /** Everything on the admissions topic from its beginning, read on demand. */
    private static final class Admissions implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<AdmissionEvent> read = new CopyOnWriteArrayList<>();

        Admissions(String topic) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    SharedInfrastructure.kafkaBootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            await().atMost(PATIENCE).until(() -> !consumer.partitionsFor(topic).isEmpty());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        synchronized <T extends AdmissionEvent> List<T> of(String roomId, Class<T> type) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                read.add(AdmissionJson.readEvent(record.value()));
            }
            return read.stream().filter(event -> event.roomId().value().equals(roomId) && type.isInstance(event))
                    .map(type::cast).toList();
        }

        @Override
        public synchronized void close() {
            consumer.close();
        }
    }
}
