package io.spillway.operations.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Buyers' requests replayed against the rendered HTTPRoute (Gateway API matching: an Exact path
 * before the longest PathPrefix, a rule with a method before one without, then rule order) and
 * against the Ingress alternative; and the NetworkPolicies that keep everyone but the gateway off
 * the public ports and everyone but Prometheus off the management ports.
 */
class OneOriginTest {

    private static Manifests production;
    private static Manifests ingress;

    @BeforeAll
    static void render() {
        production = Manifests.render("infra/k8s/overlays/production");
        ingress = Manifests.render("infra/k8s/ingress");
    }

    /** Where a request goes and whether X-Customer-Id survives. */
    record Routed(String service, int port, boolean keepsCustomerId) {}

    static Optional<Routed> route(ObjectNode httpRoute, String method, String path) {
        record Candidate(JsonNode rule, int ruleIndex, String type, int length, boolean hasMethod) {}
        List<Candidate> candidates = new ArrayList<>();
        JsonNode rules = httpRoute.at("/spec/rules");
        for (int i = 0; i < rules.size(); i++) {
            for (JsonNode match : rules.get(i).path("matches")) {
                String type = match.at("/path/type").asText("PathPrefix");
                String value = match.at("/path/value").asText("/");
                boolean pathMatches = switch (type) {
                    case "Exact" -> path.equals(value);
                    case "PathPrefix" -> prefixMatches(value, path);
                    case "RegularExpression" -> Pattern.matches(value, path);
                    default -> false;
                };
                boolean methodMatches = !match.has("method") || match.path("method").asText().equals(method);
                if (pathMatches && methodMatches) {
                    candidates.add(new Candidate(rules.get(i), i, type, value.length(), match.has("method")));
                }
            }
        }
        return candidates.stream()
                .min(Comparator.comparing((Candidate c) -> !c.type().equals("Exact"))
                        .thenComparing(c -> -c.length())
                        .thenComparing(c -> !c.hasMethod())
                        .thenComparingInt(Candidate::ruleIndex))
                .map(c -> {
                    JsonNode backend = c.rule().at("/backendRefs/0");
                    boolean strips = c.rule().path("filters").findValuesAsText("type").contains("RequestHeaderModifier")
                            && c.rule().path("filters").toString().contains("\"X-Customer-Id\"");
                    return new Routed(backend.path("name").asText(), backend.path("port").asInt(), !strips);
                });
    }

    /** Gateway API's PathPrefix: whole path elements, a trailing slash ignored. */
    static boolean prefixMatches(String prefix, String path) {
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return p.isEmpty() || path.equals(p) || path.startsWith(p + "/");
    }

    /** ingress-nginx with use-regex: Exact first, then the longest path whose regex matches the start of the request's. */
    static Optional<String> ingressRoute(String path) {
        record Candidate(String service, String pathType, String value) {}
        List<Candidate> candidates = new ArrayList<>();
        for (ObjectNode doc : ingress.ofKind("Ingress")) {
            for (JsonNode p : doc.at("/spec/rules/0/http/paths")) {
                String type = p.path("pathType").asText();
                String value = p.path("path").asText();
                boolean matches = type.equals("Exact") ? path.equals(value) : Pattern.compile("^" + value).matcher(path).find();
                if (matches) {
                    candidates.add(new Candidate(p.at("/backend/service/name").asText(), type, value));
                }
            }
        }
        return candidates.stream()
                .min(Comparator.comparing((Candidate c) -> !c.pathType().equals("Exact")).thenComparing(c -> -c.value().length()))
                .map(Candidate::service);
    }

    @ParameterizedTest
    @CsvSource({
        "POST, /api/v1/orders, ingest-api, true",
        "POST, /api/v1/orders/0b6c/payment, ingest-api, false",
        "POST, /api/v1/orders/0b6c/cancel, ingest-api, false",
        "GET, /api/v1/orders/0b6c, notifier, false",
        "GET, /api/v1/orders/0b6c/events, notifier, false",
        "GET, /s/concert-2026-12-24, notifier, false",
        "GET, /api/v1/sales, inventory-service, false",
        "POST, /api/v1/sales, inventory-service, false",
        "GET, /api/v1/sales/concert-2026-12-24, inventory-service, false",
        "GET, /api/v1/dlq, inventory-service, false",
        "POST, /api/v1/dlq/7/replay, inventory-service, false",
        "GET, /admin/, inventory-service, false",
        "GET, /.well-known/jwks.json, inventory-service, false",
        "POST, /api/v1/rooms/shop-black-friday/entries, ingest-api, true",
        "POST, /api/v1/rooms/shop-black-friday/leave, ingest-api, false",
        "GET, /api/v1/entries/0b6c, notifier, false",
        "GET, /api/v1/entries/0b6c/events, notifier, false",
        "POST, /api/v1/rooms, inventory-service, false",
        "PATCH, /api/v1/rooms/shop-black-friday, inventory-service, false",
        "POST, /api/v1/rooms/shop-black-friday/pause, inventory-service, false",
        "GET, /api/v1/rooms/shop-black-friday/draw, inventory-service, false"
    })
    void eachRequestReachesItsServiceAndOnlyThePlacementKeepsTheBuyersIdentity(
            String method, String path, String service, boolean keepsCustomerId) {
        Routed routed = route(production.get("HTTPRoute", "spillway"), method, path).orElseThrow(
                () -> new AssertionError(method + " " + path + " has no route"));
        assertThat(routed.service()).isEqualTo(service);
        assertThat(routed.keepsCustomerId()).as("X-Customer-Id kept").isEqualTo(keepsCustomerId);
        assertThat(routed.port()).isEqualTo(production.get("Service", service).at("/spec/ports/0/port").asInt());
        assertThat(ingressRoute(path)).as("Ingress " + path).hasValue(service);
    }

    @Test
    void managementEndpointsAndUnknownPathsAreNotRouted() {
        ObjectNode httpRoute = production.get("HTTPRoute", "spillway");
        assertThat(route(httpRoute, "GET", "/actuator/prometheus")).isEmpty();
        assertThat(route(httpRoute, "GET", "/admin-backdoor")).isEmpty();
        assertThat(route(httpRoute, "DELETE", "/api/v1/orders/0b6c")).isEmpty();
        assertThat(ingressRoute("/actuator/health")).isEmpty();
    }

    @Test
    void the202sLinksArePathsThatTheRouteSendsToTheNotifier() throws IOException {
        String source = Files.readString(RepositoryFiles.resolve("ingest-api/src/main/java/io/spillway/ingest/orders/OrderAccepted.java"));
        assertThat(source).contains("ORDERS_PATH = \"/api/v1/orders\"").doesNotContain("http://").doesNotContain("https://");
        ObjectNode httpRoute = production.get("HTTPRoute", "spillway");
        assertThat(route(httpRoute, "GET", "/api/v1/orders/0b6c")).map(Routed::service).hasValue("notifier");
        assertThat(route(httpRoute, "GET", "/api/v1/orders/0b6c/events")).map(Routed::service).hasValue("notifier");
    }

    @Test
    void onlyTheGatewayReachesThePublicPortsAndOnlyPrometheusTheManagementPorts() {
        for (String service : List.of("ingest-api", "notifier", "inventory-service", "order-processor")) {
            ObjectNode policy = production.get("NetworkPolicy", service);
            assertThat(policy.at("/spec/podSelector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo(service);
            assertThat(policy.at("/spec/policyTypes").toString()).contains("Ingress");
            List<String> rules = new ArrayList<>();
            for (JsonNode rule : policy.at("/spec/ingress")) {
                for (JsonNode port : rule.path("ports")) {
                    for (JsonNode from : rule.path("from")) {
                        rules.add(port.path("port").asText() + " <- " + from.toString());
                    }
                }
                assertThat(rule.path("from")).as("%s: a rule without peers admits everyone", service).isNotEmpty();
                assertThat(rule.path("ports")).as("%s: a rule without ports admits every port", service).isNotEmpty();
            }
            String gateway = "http <- {\"namespaceSelector\":{\"matchLabels\":{\"spillway.io/role\":\"gateway\"}}}";
            String prometheus = "management <- {\"namespaceSelector\":{\"matchLabels\":{\"kubernetes.io/metadata.name\":\"monitoring\"}},"
                    + "\"podSelector\":{\"matchLabels\":{\"app.kubernetes.io/name\":\"prometheus\"}}}";
            if (service.equals("order-processor")) {
                assertThat(rules).containsExactly(prometheus);
            } else {
                assertThat(rules).containsExactlyInAnyOrder(gateway, prometheus);
            }
        }
    }

    @Test
    void theKafkaListenerAdmitsOnlySpillwaysPodsAndKeda() {
        JsonNode peers = production.get("Kafka", "spillway").at("/spec/kafka/listeners/0/networkPolicyPeers");
        assertThat(peers.toString()).contains("\"app.kubernetes.io/part-of\":\"spillway\"").contains("\"kubernetes.io/metadata.name\":\"keda\"");
        assertThat(peers).hasSize(2);
    }
}
