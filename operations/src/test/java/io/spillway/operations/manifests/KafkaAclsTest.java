package io.spillway.operations.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The KafkaUsers' ACLs against docs/operations.md's table, and each topic's writers against its owner. */
class KafkaAclsTest {

    static final List<String> OVERLAYS = Manifests.OVERLAYS;

    /**
     * Who alone may write each topic: a forged record on any of them is a decision nobody made.
     * inventory-service writes {@code orders.requested} too: the admin API's dead-letter replay.
     */
    static final Map<String, List<String>> OWNERS = Map.ofEntries(
            Map.entry("orders.requested", List.of("ingest-api", "inventory-service")),
            Map.entry("orders.commands", List.of("ingest-api")),
            Map.entry("orders.entries", List.of("ingest-api")),
            Map.entry("orders.results", List.of("order-processor")),
            Map.entry("orders.dlq", List.of("order-processor")),
            Map.entry("orders.holds", List.of("order-processor")),
            Map.entry("orders.admissions", List.of("order-processor")),
            Map.entry("sales", List.of("inventory-service")),
            Map.entry("sales.seats", List.of("inventory-service")),
            Map.entry("items.availability", List.of("inventory-service")),
            Map.entry("sales.rooms", List.of("inventory-service")));

    /** One allowed rule: "user | type | name | pattern | Op, Op" with the operations sorted. */
    static Set<String> rendered(Manifests manifests) {
        Set<String> rules = new TreeSet<>();
        for (ObjectNode user : manifests.ofKind("KafkaUser")) {
            for (JsonNode acl : user.at("/spec/authorization/acls")) {
                if ("deny".equals(acl.path("type").asText())) {
                    continue;
                }
                rules.add(rule(user.at("/metadata/name").asText(), acl.at("/resource/type").asText(), acl.at("/resource/name").asText(),
                        acl.at("/resource/patternType").asText("literal"), texts(acl.path("operations"))));
            }
        }
        return rules;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    static String rule(String user, String type, String name, String pattern, List<String> operations) {
        return String.join(" | ", user, type, name, pattern, operations.stream().sorted().collect(Collectors.joining(", ")));
    }

    /** The rows of the table under "## Kafka ACLs" in docs/operations.md. */
    static Set<String> documented() throws IOException {
        String doc = Files.readString(RepositoryFiles.resolve("docs/operations.md"));
        int start = doc.indexOf("## Kafka ACLs");
        assertThat(start).as("docs/operations.md has a section \"## Kafka ACLs\"").isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        Set<String> rules = new TreeSet<>();
        for (String line : doc.substring(start, end < 0 ? doc.length() : end).split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length == 6 && !cells[1].isBlank() && !cells[1].contains("---") && !cells[1].trim().equals("user")) {
                rules.add(rule(cells[1].trim(), cells[2].trim(), cells[3].trim(), cells[4].trim(),
                        List.of(cells[5].trim().split("\\s*,\\s*"))));
            }
        }
        return rules;
    }

    static List<String> strangeWriters(Manifests manifests) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode user : manifests.ofKind("KafkaUser")) {
            String name = user.at("/metadata/name").asText();
            for (JsonNode acl : user.at("/spec/authorization/acls")) {
                if (!"topic".equals(acl.at("/resource/type").asText()) || "deny".equals(acl.path("type").asText())) {
                    continue;
                }
                List<String> operations = texts(acl.path("operations"));
                boolean writes = operations.contains("Write") || operations.contains("All");
                String topic = acl.at("/resource/name").asText();
                boolean prefix = "prefix".equals(acl.at("/resource/patternType").asText());
                for (Map.Entry<String, List<String>> owned : OWNERS.entrySet()) {
                    boolean covers = prefix ? owned.getKey().startsWith(topic) : owned.getKey().equals(topic) || "*".equals(topic);
                    if (writes && covers && !owned.getValue().contains(name)) {
                        problems.add(name + " may write " + owned.getKey() + ", which only "
                                + String.join(" and ", owned.getValue()) + " writes");
                    }
                }
            }
        }
        return problems;
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theKafkaUsersAllowExactlyWhatTheOperationsGuideLists(String overlay) throws IOException {
        Manifests manifests = Manifests.render(overlay);
        assertThat(rendered(manifests)).containsExactlyElementsOf(documented());
        assertThat(manifests.ofKind("KafkaUser")).allSatisfy(u -> assertThat(u.at("/spec/authorization/type").asText()).isEqualTo("simple"));
        assertThat(manifests.get("Kafka", "spillway").at("/spec/kafka/authorization/type").asText()).isEqualTo("simple");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void eachTopicHasOnlyItsOwnerAsWriterAndEveryAclNamesATopicThatExists(String overlay) {
        Manifests manifests = Manifests.render(overlay);
        assertThat(strangeWriters(manifests)).isEmpty();
        for (ObjectNode user : manifests.ofKind("KafkaUser")) {
            for (JsonNode acl : user.at("/spec/authorization/acls")) {
                if ("topic".equals(acl.at("/resource/type").asText()) && !"prefix".equals(acl.at("/resource/patternType").asText())) {
                    assertThat(manifests.find("KafkaTopic", acl.at("/resource/name").asText()))
                            .as("%s names topic %s", Manifests.id(user), acl.at("/resource/name").asText()).isPresent();
                }
            }
        }
    }

    @Test
    void theListenerIsTlsWithScramOnly() {
        Manifests manifests = Manifests.render("infra/k8s/overlays/production");
        JsonNode listeners = manifests.get("Kafka", "spillway").at("/spec/kafka/listeners");
        assertThat(listeners).isNotEmpty().allSatisfy(l -> {
            assertThat(l.path("tls").asBoolean()).as(l.path("name").asText()).isTrue();
            assertThat(l.at("/authentication/type").asText()).isEqualTo("scram-sha-512");
        });
    }

    @Test
    void anIngestAllowedToForgeDecisionsFails() {
        Manifests broken = Manifests.render("infra/k8s/overlays/production").copy();
        ObjectNode acl = ((ArrayNode) broken.get("KafkaUser", "ingest-api").at("/spec/authorization/acls")).addObject();
        acl.putObject("resource").put("type", "topic").put("name", "orders.").put("patternType", "prefix");
        acl.putArray("operations").add("Write");
        assertThat(strangeWriters(broken))
                .contains("ingest-api may write orders.results, which only order-processor writes")
                .contains("ingest-api may write orders.dlq, which only order-processor writes");
        assertThat(strangeWriters(broken)).noneMatch(problem -> problem.contains("orders.requested"));
        assertThat(rendered(broken)).isNotEqualTo(rendered(Manifests.render("infra/k8s/overlays/production")));
    }

    @Test
    void onlyInventoryServiceMayWriteOrdersBesideTheDoor() {
        Manifests broken = Manifests.render("infra/k8s/overlays/production").copy();
        ObjectNode acl = ((ArrayNode) broken.get("KafkaUser", "notifier").at("/spec/authorization/acls")).addObject();
        acl.putObject("resource").put("type", "topic").put("name", "orders.requested").put("patternType", "literal");
        acl.putArray("operations").add("Write");
        assertThat(strangeWriters(broken))
                .containsExactly("notifier may write orders.requested, which only ingest-api and inventory-service writes");
    }

    @Test
    void aRuleMissingFromTheTableIsNoticed() throws IOException {
        Manifests broken = Manifests.render("infra/k8s/overlays/production").copy();
        ((ArrayNode) broken.get("KafkaUser", "keda-scaler").at("/spec/authorization/acls")).remove(1);
        assertThat(documented()).containsAll(rendered(broken)).contains("keda-scaler | group | order-processor | literal | Describe")
                .hasSize(rendered(broken).size() + 1);
    }
}
