package io.spillway.localstack;

import static io.spillway.localstack.DemoClient.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The third part of {@code ./spillway demo}: an admission room in front of a shop's own checkout
 * (CONTRACT.md, "Admission"). A room admitting {@code perMinute} buyers a minute, at most
 * {@code maxActive} at once; a burst of entries; each buyer follows its entry's stream and, once
 * admitted, goes to the shop's checkout with the token. The checkout is a stand-in run here (a JDK
 * HTTP server, demo code, not the product): it fetches the JWKS from inventory-service, verifies
 * each token with Nimbus JOSE as a shop would (ES256 signature with the key named by {@code kid},
 * {@code exp}, the room), serves the buyer, and calls leave with the token, which frees the slot.
 * The outcome: admitted, verified, left, the most admitted in any minute against the rate.
 */
final class AdmissionDemo {

    private final DemoClient client;
    private final String ingest;
    private final String inventory;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    AdmissionDemo(DemoClient client, String ingest, String inventory, String adminToken) {
        this.client = client;
        this.ingest = ingest;
        this.inventory = inventory;
        this.adminToken = adminToken;
    }

    boolean run(int entries, int perMinute, int maxActive) throws Exception {
        String roomId = "demo-room-" + Instant.now().getEpochSecond();
        try (Checkout checkout = new Checkout(roomId)) {
            createRoom(roomId, perMinute, maxActive, checkout.url());
            System.out.printf("%nroom %s: at most %d admitted a minute, %d at once; the shop's checkout (a stand-in) at %s%n",
                    roomId, perMinute, maxActive, checkout.url());
            System.out.printf("the waiting page of this room: %s%n", client.roomPageOf(roomId));

            List<Joined> joined = joinAll(roomId, entries);
            System.out.printf("%d buyers joined: %d accepted (202)%n", entries, joined.size());

            // Each buyer's page: follow the entry until admitted (or closed), then go to the shop.
            Duration within = Duration.ofSeconds(60L * entries / Math.max(1, perMinute) + 120);
            Map<String, DemoClient.Event> ends = client.follow(
                    joined.stream().map(j -> new DemoClient.Placed(202, j.entryId(), j.token(), j.eventsLink())).toList(),
                    Set.of("admitted", "closed"), within);
            List<Instant> admittedAt = new ArrayList<>();
            int wentToShop = 0;
            for (DemoClient.Event end : ends.values()) {
                if (end.name().equals("admitted")) {
                    admittedAt.add(Instant.parse(end.data().get("updatedAt").asText()));
                    String url = end.data().get("admission").get("url").asText();
                    wentToShop += http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200 ? 1 : 0;
                }
            }
            int mostInAMinute = mostWithin(admittedAt, Duration.ofMinutes(1));
            System.out.printf("admitted:  %d of %d (%d closed, %d still waiting)%n", admittedAt.size(), joined.size(),
                    ends.size() - admittedAt.size(), joined.size() - ends.size());
            System.out.printf("checkout:  %d buyers served, %d tokens verified against the JWKS, %d refused %s%n",
                    wentToShop, checkout.verified.get(), checkout.refusals.values().stream().mapToInt(AtomicInteger::get).sum(),
                    checkout.refusals.isEmpty() ? "" : new TreeMap<>(checkout.refusals));
            System.out.printf("leave:     %d answered 202 of %d calls%n", checkout.left.get(), checkout.leaveCalls.get());
            System.out.printf("rate:      at most %d admitted in any minute (limit %d)%n", mostInAMinute, perMinute);
            return admittedAt.size() == joined.size() && checkout.verified.get() == wentToShop && wentToShop == admittedAt.size()
                    && checkout.left.get() == wentToShop && mostInAMinute <= perMinute;
        }
    }

    private void createRoom(String roomId, int perMinute, int maxActive, String checkoutUrl) throws Exception {
        Map<String, Object> room = Map.of(
                "roomId", roomId,
                "name", "Spillway demo room",
                "opensAt", Instant.now().minusSeconds(1).toString(),
                "admitPerMinute", perMinute,
                "maxActive", maxActive,
                "sessionSeconds", 120,
                "checkoutUrl", checkoutUrl);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(inventory + "/api/v1/rooms"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + adminToken)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(room)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("creating the room answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Every buyer joins at once (a 404 or 409 while the door has not learnt of the new room is tried again). */
    private List<Joined> joinAll(String roomId, int entries) throws Exception {
        List<Joined> joined = Collections.synchronizedList(new ArrayList<>());
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(128);
            for (int i = 0; i < entries; i++) {
                String customer = "room-buyer-" + i;
                executor.submit(() -> {
                    permits.acquire();
                    try {
                        Joined entry = join(roomId, customer);
                        if (entry != null) {
                            joined.add(entry);
                        }
                    } finally {
                        permits.release();
                    }
                    return null;
                });
            }
        }
        return joined;
    }

    private Joined join(String roomId, String customer) throws Exception {
        String key = UUID.randomUUID().toString();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(ingest + "/api/v1/rooms/" + roomId + "/entries"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Idempotency-Key", key)
                    .header("X-Customer-Id", customer)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                JsonNode accepted = JSON.readTree(response.body());
                return new Joined(accepted.get("entryId").asText(), accepted.get("accessToken").asText(),
                        accepted.get("links").get("events").asText());
            }
            if (response.statusCode() >= 400 && response.statusCode() < 500 && response.statusCode() != 404
                    && response.statusCode() != 409 && response.statusCode() != 422 && response.statusCode() != 429) {
                return null;
            }
            Thread.sleep(Duration.ofSeconds(Math.max(1, response.headers().firstValueAsLong("Retry-After").orElse(1))));
        }
        return null;
    }

    /** The most instants within any window of {@code width}. */
    static int mostWithin(List<Instant> instants, Duration width) {
        List<Instant> sorted = new ArrayList<>(instants);
        Collections.sort(sorted);
        int most = 0;
        int first = 0;
        for (int last = 0; last < sorted.size(); last++) {
            while (!sorted.get(first).plus(width).isAfter(sorted.get(last))) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    private record Joined(String entryId, String token, String eventsLink) {}

    /**
     * The shop's checkout, standing in: {@code GET /checkout?spillway_token=…} verifies the token
     * against the JWKS (fetched again when a {@code kid} is not known, as after a key rotation), then
     * calls leave with it: the buyer is done at once.
     */
    private final class Checkout implements AutoCloseable {

        final AtomicInteger verified = new AtomicInteger();
        final AtomicInteger left = new AtomicInteger();
        final AtomicInteger leaveCalls = new AtomicInteger();
        final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        private final String roomId;
        private final HttpServer server;
        private volatile JWKSet keys = new JWKSet();

        Checkout(String roomId) throws IOException {
            this.roomId = roomId;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/checkout", this::serve);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/checkout";
        }

        private void serve(HttpExchange exchange) throws IOException {
            String token = query(exchange.getRequestURI().getRawQuery()).get("spillway_token");
            String refusal = token == null ? "no token" : check(token);
            if (refusal != null) {
                refusals.computeIfAbsent(refusal, r -> new AtomicInteger()).incrementAndGet();
                answer(exchange, 403, "Not admitted: " + refusal);
                return;
            }
            verified.incrementAndGet();
            // The buyer is done at once here; a real shop calls leave when the order is placed or abandoned.
            leave(token);
            answer(exchange, 200, "Welcome to the shop");
        }

        /** Null when the token is good; otherwise why not. */
        private String check(String token) {
            try {
                SignedJWT jwt = SignedJWT.parse(token);
                if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
                    return "not ES256";
                }
                JWK key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
                if (key == null) {
                    keys = JWKSet.load(URI.create(inventory + "/.well-known/jwks.json").toURL());
                    key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
                }
                if (!(key instanceof ECKey ec) || !jwt.verify(new ECDSAVerifier(ec.toECPublicKey()))) {
                    return "bad signature or unknown key";
                }
                JWTClaimsSet claims = jwt.getJWTClaimsSet();
                if (claims.getExpirationTime() == null || !claims.getExpirationTime().after(new Date())) {
                    return "expired";
                }
                if (!roomId.equals(claims.getStringClaim("room"))) {
                    return "another room";
                }
                return null;
            } catch (Exception unreadable) {
                return "unreadable: " + unreadable.getClass().getSimpleName();
            }
        }

        private void leave(String token) {
            leaveCalls.incrementAndGet();
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create(ingest + "/api/v1/rooms/" + roomId + "/leave"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                left.addAndGet(status == 202 ? 1 : 0);
            } catch (Exception failed) {
                System.out.println("leave failed: " + failed);
            }
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> parameters = new java.util.HashMap<>();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int equals = pair.indexOf('=');
                    if (equals > 0) {
                        parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                    }
                }
            }
            return parameters;
        }

        private static void answer(HttpExchange exchange, int status, String text) throws IOException {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain;charset=UTF-8");
            exchange.sendResponseHeaders(status, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
