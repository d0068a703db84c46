package io.spillway.inventory.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Sign-in against a real PostgreSQL, with operators' JWTs from an identity provider this test plays:
 * it signs them with its own key and serves the public half as a JWK set over HTTP, as an IdP does.
 * No broker: the catalogue relay is off, and the admin requests tried here refuse before any.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.inventory.admin-token=" + AdminSecurityIT.TOKEN,
            "spillway.inventory.catalog.enabled=false",
            "spillway.topics.create=false",
            "spillway.inventory.security.admin-authority=ROLE_spillway-admin",
            "spring.security.oauth2.resourceserver.jwt.issuer-uri=" + AdminSecurityIT.ISSUER,
            "spring.security.oauth2.resourceserver.jwt.audiences=spillway-admin",
            "spring.security.oauth2.resourceserver.jwt.authorities-claim-name=roles",
            "spring.security.oauth2.resourceserver.jwt.authority-prefix=ROLE_"
        })
class AdminSecurityIT {

    static final String TOKEN = "security-it-admin-token-0123456789";
    static final String ISSUER = "https://idp.example.test/realms/operators";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RSAKey IDP_KEY = rsaKey("idp");
    private static final RSAKey OTHER_KEY = rsaKey("idp");
    private static HttpServer idp;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        TestProperties.database(registry, SharedInfrastructure.newDatabase());
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JWKSet(IDP_KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        idp.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        idp.start();
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                () -> "http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks");
    }

    @AfterAll
    static void stopIdp() {
        idp.stop(0);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void everyAdminRequestWithoutAValidCredentialIsUnauthorizedAndChangesNothing() throws Exception {
        Instant now = Instant.now();
        List<String> refused = List.of(
                "Bearer wrong-token-wrong-token-0123",
                "Bearer " + jwt(IDP_KEY, ISSUER, "spillway-admin", List.of("spillway-admin"), now.plusSeconds(300)).substring(1),
                "Bearer " + jwt(OTHER_KEY, ISSUER, "spillway-admin", List.of("spillway-admin"), now.plusSeconds(300)),
                "Bearer " + jwt(IDP_KEY, ISSUER, "spillway-admin", List.of("spillway-admin"), now.minusSeconds(120)),
                "Bearer " + jwt(IDP_KEY, "https://evil.example.test", "spillway-admin", List.of("spillway-admin"), now.plusSeconds(300)),
                "Bearer " + jwt(IDP_KEY, ISSUER, "another-app", List.of("spillway-admin"), now.plusSeconds(300)),
                "Basic " + TOKEN);
        for (AdminRequest request : adminRequests()) {
            HttpResponse<String> anonymous = send(request, null);
            assertThat(anonymous.statusCode()).as(request + " without a credential").isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertProblem(anonymous, 401);
            for (String authorization : refused) {
                assertThat(send(request, authorization).statusCode()).as(request + " with " + authorization).isEqualTo(401);
            }
        }
        assertNothingChanged();
    }

    @Test
    void aValidJwtWithoutTheAdminRoleIsForbiddenAndChangesNothing() throws Exception {
        String buyer = "Bearer " + jwt(IDP_KEY, ISSUER, "spillway-admin", List.of("support"), Instant.now().plusSeconds(300));
        for (AdminRequest request : adminRequests()) {
            HttpResponse<String> response = send(request, buyer);

            assertThat(response.statusCode()).as(request.toString()).isEqualTo(403);
            assertProblem(response, 403);
        }
        assertNothingChanged();
    }

    @Test
    void anOperatorsJwtWithTheRoleAndTheLocalAdminTokenBothCreateSalesAndTheAuditLogNamesEach(CapturedOutput output) throws Exception {
        String operator = "Bearer " + jwt(IDP_KEY, ISSUER, "spillway-admin", List.of("spillway-admin"), Instant.now().plusSeconds(300));
        String first = "jwt-" + UUID.randomUUID().toString().substring(0, 8);
        String second = "tok-" + UUID.randomUUID().toString().substring(0, 8);

        assertThat(send(createSale(first), operator).statusCode()).isEqualTo(201);
        assertThat(send(createSale(second), "bearer  " + TOKEN + " ").statusCode()).isEqualTo(201);

        assertThat(jdbc.queryForList("SELECT sale_id FROM sales WHERE sale_id IN (?, ?) ORDER BY sale_id", String.class, first, second))
                .containsExactly(first, second);
        assertThat(jdbc.queryForList(
                        "SELECT actor, action, target, after->>'saleId' AS sale FROM audit_log WHERE target IN (?, ?) ORDER BY seq",
                        "/api/v1/sales/" + first, "/api/v1/sales/" + second))
                .containsExactly(
                        Map.of("actor", "operator-ada", "action", "POST /api/v1/sales", "target", "/api/v1/sales/" + first, "sale", first),
                        Map.of("actor", "admin-token", "action", "POST /api/v1/sales", "target", "/api/v1/sales/" + second, "sale", second));
        assertThat(output.getOut()).contains("admin action: actor=operator-ada action=POST /api/v1/sales target=/api/v1/sales/" + first);
    }

    @Test
    void theSaleViewStaysPublic() throws Exception {
        String saleId = "pub-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(send(createSale(saleId), "Bearer " + TOKEN).statusCode()).isEqualTo(201);

        HttpResponse<String> view = send(new AdminRequest("GET", "/api/v1/sales/" + saleId, null), null);

        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(view.body()).path("saleId").asText()).isEqualTo(saleId);
    }

    private static final String NEVER = "never-" + UUID.randomUUID().toString().substring(0, 8);

    private void assertNothingChanged() {
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sales WHERE sale_id = ?", Long.class, NEVER)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dlq_actions", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM item_additions", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE actor <> 'admin-token' AND actor <> 'operator-ada'", Long.class))
                .isZero();
    }

    @Test
    void theConsoleIsServedFromTheJarWithItsOwnScriptOnly() throws Exception {
        HttpResponse<String> page = send(new AdminRequest("GET", "/admin/", null), null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/admin/admin.js\"").doesNotContain("https://");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(send(new AdminRequest("GET", "/admin/admin.js", null), null).statusCode()).isEqualTo(200);
    }

    /** Every admin request of CONTRACT.md's "Running a sale" this service answers, with a body that would succeed. */
    static List<AdminRequest> adminRequests() {
        return List.of(createSale(NEVER),
                new AdminRequest("GET", "/api/v1/sales", null),
                new AdminRequest("POST", "/api/v1/sales/" + NEVER + "/pause", null),
                new AdminRequest("POST", "/api/v1/sales/" + NEVER + "/resume", null),
                new AdminRequest("POST", "/api/v1/sales/" + NEVER + "/close", null),
                new AdminRequest("PATCH", "/api/v1/sales/" + NEVER + "/items/GA", "{\"addStock\":1}"),
                new AdminRequest("GET", "/api/v1/sales/" + NEVER + "/orders", null),
                new AdminRequest("GET", "/api/v1/sales/" + NEVER + "/orders.csv", null),
                new AdminRequest("GET", "/api/v1/sales/" + NEVER + "/summary", null),
                new AdminRequest("GET", "/api/v1/sales/" + NEVER + "/summary/stream", null),
                new AdminRequest("GET", "/api/v1/dlq", null),
                new AdminRequest("POST", "/api/v1/dlq/orders.dlq-0-0/replay", "{\"value\":\"{}\"}"),
                new AdminRequest("POST", "/api/v1/dlq/orders.dlq-0-0/discard", null));
    }

    static AdminRequest createSale(String saleId) {
        return new AdminRequest("POST", "/api/v1/sales", """
                {"saleId":"%s","name":"Security","opensAt":"2026-12-24T09:00:00Z","perCustomerLimit":4,
                 "items":[{"sku":"GA","stock":10}]}""".formatted(saleId));
    }

    record AdminRequest(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private HttpResponse<String> send(AdminRequest request, String authorization) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + request.path()))
                .timeout(Duration.ofSeconds(30))
                .method(request.method(), request.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body()));
        if (request.body() != null) {
            builder.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String jwt(RSAKey key, String issuer, String audience, List<String> roles, Instant expires) throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject("operator-ada")
                .claim("roles", roles)
                .issueTime(Date.from(expires.minusSeconds(600)))
                .expirationTime(Date.from(expires))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey rsaKey(String id) {
        try {
            return new RSAKeyGenerator(2048).keyID(id).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("type").asText()).isNotBlank();
        return problem;
    }
}
