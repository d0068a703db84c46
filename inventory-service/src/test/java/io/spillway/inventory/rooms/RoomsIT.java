package io.spillway.inventory.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import io.spillway.contract.CustomerId;
import io.spillway.contract.Draw;
import io.spillway.contract.OpeningOrder;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionKeys;
import io.spillway.contract.admission.AdmissionTokens;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.RoomDefined;
import io.spillway.contract.admission.RoomId;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
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
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The rooms' admin API and the JWKS against the real broker and PostgreSQL: admins only, audited in
 * the transaction of each change, validated by the sales' opening rules, and every change published
 * as {@code RoomDefined} on the rooms topic, which is what every door reads.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"spillway.inventory.admin-token=" + RoomsIT.TOKEN, "spillway.inventory.catalog.poll-interval=100ms"})
class RoomsIT {

    static final String TOKEN = "rooms-it-admin-token-0123456789";
    private static final Topics TOPICS = SharedInfrastructure.uniqueTopics();
    private static final AdmissionTopics ADMISSION = AdmissionTopics.of(TOPICS);
    private static final String KEYS = AdmissionKeys.generate("admission-1");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.database(registry, SharedInfrastructure.newDatabase());
        TestProperties.kafka(registry, TOPICS);
        registry.add("spillway.admission.keys", () -> KEYS);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private KafkaConsumer<String, byte[]> rooms;
    private final List<ConsumerRecord<String, byte[]>> published = new ArrayList<>();

    @BeforeEach
    void subscribe() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        rooms = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(ADMISSION.rooms(), 0);
        rooms.assign(List.of(partition));
        rooms.seekToBeginning(List.of(partition));
    }

    @AfterEach
    void close() {
        rooms.close();
    }

    @Test
    void anAdminCreatesARoomWhichIsStoredWithADrawSeedAuditedAndPublishedForTheDoors() throws Exception {
        String roomId = newRoomId();
        HttpResponse<String> created = send("POST", "/api/v1/rooms", TOKEN, body(roomId));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/rooms/" + roomId);
        JsonNode view = json.readTree(created.body());
        assertThat(view.path("admitPerMinute").asInt()).isEqualTo(600);
        assertThat(view.path("state").asText()).isEqualTo("SCHEDULED");
        assertThat(view.path("checkoutUrl").asText()).isEqualTo("https://shop.example/checkout");
        byte[] seed = jdbc.queryForObject("SELECT draw_seed FROM rooms WHERE room_id = ?", byte[].class, roomId);
        assertThat(seed).hasSize(Draw.SEED_BYTES);
        assertThat(view.path("draw").path("commitment").asText()).isEqualTo(Draw.commitment(seed));
        assertThat(view.path("draw").path("seed").isNull()).isTrue();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lastRoom(roomId)).isNotNull());
        RoomDefined room = lastRoom(roomId);
        assertThat(room.opensAt()).isEqualTo(Instant.parse("2030-11-27T09:00:00Z"));
        assertThat(room.prequeueOpensAt()).isEqualTo(Instant.parse("2030-11-27T08:30:00Z"));
        assertThat(room.openingOrder()).isEqualTo(OpeningOrder.SHUFFLED);
        assertThat(room.admitPerMinute()).isEqualTo(600);
        assertThat(room.maxActive()).isEqualTo(50);
        assertThat(room.sessionSeconds()).isEqualTo(900);
        assertThat(room.checkoutUrl()).isEqualTo(URI.create("https://shop.example/checkout"));
        assertThat(jdbc.queryForList("SELECT actor || ' ' || action FROM audit_log WHERE target = ?", String.class,
                "/api/v1/rooms/" + roomId)).containsExactly("admin-token room.create");

        assertThat(send("GET", "/api/v1/rooms/" + roomId, TOKEN, null).body()).contains("\"roomId\":\"" + roomId + "\"");
        assertThat(send("GET", "/api/v1/rooms", TOKEN, null).body()).contains("\"roomId\":\"" + roomId + "\"");
    }

    @Test
    void aChangeOfRatesIsLiveAuditedAndPublishedAgain() throws Exception {
        String roomId = newRoomId();
        assertThat(send("POST", "/api/v1/rooms", TOKEN, body(roomId)).statusCode()).isEqualTo(201);

        HttpResponse<String> changed = send("PATCH", "/api/v1/rooms/" + roomId, TOKEN, "{\"admitPerMinute\":1200}");

        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(json.readTree(changed.body()).path("admitPerMinute").asInt()).isEqualTo(1200);
        assertThat(json.readTree(changed.body()).path("maxActive").asInt()).isEqualTo(50);
        assertThat(jdbc.queryForObject("SELECT admit_per_minute FROM rooms WHERE room_id = ?", Integer.class, roomId))
                .isEqualTo(1200);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(lastRoom(roomId).admitPerMinute()).isEqualTo(1200));
        assertThat(jdbc.queryForList("SELECT action || ' ' || before::text || ' ' || after::text FROM audit_log"
                        + " WHERE target = ? AND action = 'room.rates'", String.class, "/api/v1/rooms/" + roomId))
                .containsExactly("room.rates {\"maxActive\": 50, \"admitPerMinute\": 600} {\"maxActive\": 50, \"admitPerMinute\": 1200}");
    }

    @Test
    void pauseResumeAndCloseAreShownAuditedAndPublished() throws Exception {
        String roomId = newRoomId();
        assertThat(send("POST", "/api/v1/rooms", TOKEN, body(roomId)).statusCode()).isEqualTo(201);

        assertThat(send("POST", "/api/v1/rooms/" + roomId + "/pause", TOKEN, null).body()).contains("\"state\":\"PAUSED\"");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lastRoom(roomId).doorPaused()).isTrue());
        assertThat(send("POST", "/api/v1/rooms/" + roomId + "/resume", TOKEN, null).body()).contains("\"state\":\"SCHEDULED\"");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lastRoom(roomId).doorPaused()).isFalse());
        assertThat(send("POST", "/api/v1/rooms/" + roomId + "/close", TOKEN, null).body()).contains("\"state\":\"CLOSED\"");
        Instant closedAt = jdbc.queryForObject("SELECT closed_at FROM rooms WHERE room_id = ?", java.sql.Timestamp.class, roomId)
                .toInstant();
        // Closing again keeps the first close.
        assertThat(send("POST", "/api/v1/rooms/" + roomId + "/close", TOKEN, null).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lastRoom(roomId).closedAt()).isEqualTo(closedAt));

        assertThat(jdbc.queryForList("SELECT action FROM audit_log WHERE target = ? ORDER BY seq", String.class,
                "/api/v1/rooms/" + roomId)).containsExactly("room.create", "room.pause", "room.resume", "room.close", "room.close");
    }

    @Test
    void badRequestsGetProblemsWithTheirFieldsAndChangeNothing() throws Exception {
        String roomId = newRoomId();
        HttpResponse<String> invalid = send("POST", "/api/v1/rooms", TOKEN, """
                {"roomId":"%s","name":"","opensAt":"2030-11-27T09:00:00Z","prequeueOpensAt":"2030-11-27T10:00:00Z",
                 "admitPerMinute":-1,"maxActive":50,"sessionSeconds":900,"checkoutUrl":"ftp://shop.example/"}
                """.formatted(roomId));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(invalid.body()).path("errors").findValuesAsText("field"))
                .containsExactly("name", "prequeueOpensAt", "admitPerMinute", "checkoutUrl");

        assertThat(send("POST", "/api/v1/rooms", TOKEN, body(roomId)).statusCode()).isEqualTo(201);
        HttpResponse<String> again = send("POST", "/api/v1/rooms", TOKEN, body(roomId).replace("600", "1"));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("room-exists");
        assertThat(send("PATCH", "/api/v1/rooms/" + roomId, TOKEN, "{}").statusCode()).isEqualTo(400);
        assertThat(send("PATCH", "/api/v1/rooms/" + roomId, TOKEN, "{\"maxActive\":\"5\"}").statusCode()).isEqualTo(400);
        assertThat(send("PATCH", "/api/v1/rooms/" + roomId, TOKEN, "{\"sessionSeconds\":5}").statusCode()).isEqualTo(400);
        assertThat(send("PATCH", "/api/v1/rooms/no-such-room", TOKEN, "{\"maxActive\":5}").statusCode()).isEqualTo(404);

        assertThat(jdbc.queryForObject("SELECT admit_per_minute || '/' || max_active FROM rooms WHERE room_id = ?",
                String.class, roomId)).isEqualTo("600/50");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE target = ?", Integer.class,
                "/api/v1/rooms/" + roomId)).isEqualTo(1);
    }

    @Test
    void everyRoomActionNeedsTheAdminCredentialButTheDrawAndTheKeysArePublic() throws Exception {
        String roomId = newRoomId();
        assertThat(send("POST", "/api/v1/rooms", null, body(roomId)).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/api/v1/rooms", "wrong-token-wrong-token", body(roomId)).statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM rooms WHERE room_id = ?", Integer.class, roomId)).isZero();
        assertThat(send("POST", "/api/v1/rooms", TOKEN, body(roomId)).statusCode()).isEqualTo(201);
        for (String[] request : List.of(new String[] {"GET", ""}, new String[] {"PATCH", ""},
                new String[] {"POST", "/pause"}, new String[] {"POST", "/resume"}, new String[] {"POST", "/close"})) {
            String patch = request[0].equals("PATCH") ? "{\"maxActive\":1}" : null;
            assertThat(send(request[0], "/api/v1/rooms/" + roomId + request[1], null, patch).statusCode())
                    .as(request[0] + request[1]).isEqualTo(401);
        }
        assertThat(send("GET", "/api/v1/rooms", null, null).statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE target = ?", Integer.class,
                "/api/v1/rooms/" + roomId)).isEqualTo(1);

        HttpResponse<String> draw = send("GET", "/api/v1/rooms/" + roomId + "/draw", null, null);
        assertThat(draw.statusCode()).isEqualTo(200);
        byte[] seed = jdbc.queryForObject("SELECT draw_seed FROM rooms WHERE room_id = ?", byte[].class, roomId);
        assertThat(json.readTree(draw.body()).path("commitment").asText()).isEqualTo(Draw.commitment(seed));
        assertThat(json.readTree(draw.body()).path("seed").isNull()).isTrue();
        jdbc.update("UPDATE rooms SET draw_revealed_at = now() WHERE room_id = ?", roomId);
        assertThat(json.readTree(send("GET", "/api/v1/rooms/" + roomId + "/draw", null, null).body()).path("seed").asText())
                .isEqualTo(Draw.hex(seed));
        assertThat(send("GET", "/api/v1/rooms/no-such-room/draw", null, null).statusCode()).isEqualTo(404);

        HttpResponse<String> jwks = send("GET", "/.well-known/jwks.json", null, null);
        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(jwks.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
        JWKSet served = JWKSet.parse(jwks.body());
        assertThat(served.getKeys()).singleElement().satisfies(key -> {
            assertThat(key.getKeyID()).isEqualTo("admission-1");
            assertThat(key.isPrivate()).isFalse();
        });
        assertThat(jwks.body()).doesNotContain("\"d\"");
    }

    /**
     * What docs/admission.md shows a shop: Spring Security's decoder on the JWKS URI, ES256, and a
     * check of the {@code room} claim. A token the processor would sign verifies; one for another
     * room, expired, tampered or signed by a key the JWKS does not have does not.
     */
    @Test
    void aShopVerifiesAnAdmissionTokenWithTheJwksAsTheGuideShows() {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri("http://127.0.0.1:" + port + "/.well-known/jwks.json")
                .jwsAlgorithm(SignatureAlgorithm.ES256).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefault(),
                new JwtClaimValidator<String>("room", "shop-black-friday"::equals)));
        AdmissionTokens processor = new AdmissionTokens(AdmissionKeys.parse(KEYS, "admission-1"));
        Instant now = Instant.now();
        UUID jti = UUID.randomUUID();
        String token = processor.sign(new AdmissionTokens.Claims(CustomerId.of("buyer-1"), RoomId.of("shop-black-friday"),
                jti, now, now.plusSeconds(900)));

        Jwt jwt = decoder.decode(token);

        assertThat(jwt.getSubject()).isEqualTo("buyer-1");
        assertThat(jwt.getClaimAsString("room")).isEqualTo("shop-black-friday");
        assertThat(jwt.getId()).isEqualTo(jti.toString());
        assertThat(jwt.getHeaders()).containsEntry("kid", "admission-1").containsEntry("alg", "ES256");
        String otherRoom = processor.sign(new AdmissionTokens.Claims(CustomerId.of("buyer-1"), RoomId.of("another-room"),
                jti, now, now.plusSeconds(900)));
        String expired = processor.sign(new AdmissionTokens.Claims(CustomerId.of("buyer-1"), RoomId.of("shop-black-friday"),
                jti, now.minusSeconds(1800), now.minusSeconds(900)));
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"sub\":\"buyer-2\",\"room\":\"shop-black-friday\",\"jti\":\"" + jti + "\",\"iat\":"
                        + now.getEpochSecond() + ",\"exp\":" + now.plusSeconds(900).getEpochSecond() + "}").getBytes()) + "." + parts[2];
        String rotatedOut = new AdmissionTokens(AdmissionKeys.parse(AdmissionKeys.generate("admission-0"), "admission-0"))
                .sign(new AdmissionTokens.Claims(CustomerId.of("buyer-1"), RoomId.of("shop-black-friday"), jti, now,
                        now.plusSeconds(900)));
        for (String refused : List.of(otherRoom, expired, tampered, rotatedOut)) {
            assertThatThrownBy(() -> decoder.decode(refused)).isInstanceOf(JwtException.class);
        }
    }

    private static String newRoomId() {
        return "room-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String body(String roomId) {
        return """
                {"roomId":"%s","name":"Black Friday","opensAt":"2030-11-27T09:00:00Z","prequeueOpensAt":"2030-11-27T08:30:00Z",
                 "openingOrder":"SHUFFLED","admitPerMinute":600,"maxActive":50,"sessionSeconds":900,
                 "checkoutUrl":"https://shop.example/checkout"}
                """.formatted(roomId);
    }

    private RoomDefined lastRoom(String roomId) {
        TopicPartition partition = new TopicPartition(ADMISSION.rooms(), 0);
        long end = rooms.endOffsets(List.of(partition)).get(partition);
        while (rooms.position(partition) < end) {
            rooms.poll(Duration.ofMillis(100)).records(partition).forEach(published::add);
        }
        return published.stream().filter(r -> r.key().equals(roomId)).reduce((a, b) -> b)
                .map(r -> AdmissionJson.readRoom(r.value())).orElse(null);
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
}
