package io.spillway.operations.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ManifestSchemaTest {

    static final List<String> OVERLAYS = Manifests.OVERLAYS;

    private final SchemaValidator validator = new SchemaValidator();

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyRenderedManifestIsValidAgainstItsSchema(String overlay) {
        Manifests manifests = Manifests.render(overlay);
        assertThat(manifests.documents()).hasSizeGreaterThan(25);
        List<String> problems = new ArrayList<>();
        for (ObjectNode doc : manifests.documents()) {
            problems.addAll(validator.validate(doc));
        }
        assertThat(problems).as("schema problems in %s", overlay).isEmpty();
    }

    @Test
    void theOverlaysRenderEveryKindSpillwayDeploys() {
        Manifests manifests = Manifests.render("infra/k8s/overlays/production");
        for (String kind : List.of("Namespace", "ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget",
                "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Cluster", "ScaledObject", "TriggerAuthentication")) {
            assertThat(manifests.ofKind(kind)).as(kind).isNotEmpty();
        }
        assertThat(manifests.documents()).allSatisfy(doc -> {
            if (!"Namespace".equals(doc.path("kind").asText())) {
                assertThat(doc.path("metadata").path("namespace").asText()).as(Manifests.id(doc)).isEqualTo("spillway");
            }
        });
    }

    @Test
    void aMisspeltFieldOrAWrongTypeFailsValidation() {
        Manifests manifests = Manifests.render("infra/k8s/overlays/local").copy();
        ObjectNode scaledObject = manifests.get("ScaledObject", "order-processor");
        ((ObjectNode) scaledObject.path("spec")).put("maxReplicaCout", 12);
        ObjectNode deployment = manifests.get("Deployment", "order-processor");
        ObjectNode container = (ObjectNode) deployment.at("/spec/template/spec/containers/0");
        ((ObjectNode) container.path("ports").path(0)).put("containerPort", "8083");
        ObjectNode topic = manifests.get("KafkaTopic", "orders.requested");
        ((ObjectNode) topic.path("metadata").path("labels")).remove("strimzi.io/cluster");

        assertThat(validator.validate(scaledObject)).anySatisfy(p -> assertThat(p).contains("maxReplicaCout"));
        assertThat(validator.validate(deployment)).anySatisfy(p -> assertThat(p).contains("containerPort"));
        assertThat(validator.validate(topic)).anySatisfy(p -> assertThat(p).contains("strimzi.io/cluster"));
    }

    @Test
    void aKindWithoutASchemaFails() {
        ObjectNode unknown = (ObjectNode) Manifests.parse("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n").getFirst();
        assertThat(validator.validate(unknown)).singleElement().asString().contains("no schema");
    }
}
