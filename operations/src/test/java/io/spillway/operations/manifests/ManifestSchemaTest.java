package io.spillway.operations.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    void theIngressAlternativeIsValid() {
        List<String> problems = new ArrayList<>();
        for (ObjectNode doc : Manifests.render("infra/k8s/ingress").documents()) {
            problems.addAll(validator.validate(doc));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theOverlaysRenderEveryKindSpillwayDeploys() {
        Manifests manifests = Manifests.render("infra/k8s/overlays/production");
        for (String kind : List.of("Namespace", "ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget",
                "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Cluster", "ScaledObject", "TriggerAuthentication",
                "NetworkPolicy", "HTTPRoute")) {
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
        ((ObjectNode) topic.path("spec")).put("partitions", "12");

        assertThat(validator.validate(scaledObject)).anySatisfy(p -> assertThat(p).contains("maxReplicaCout"));
        assertThat(validator.validate(deployment)).anySatisfy(p -> assertThat(p).contains("containerPort"));
        assertThat(validator.validate(topic)).anySatisfy(p -> assertThat(p).contains("partitions").contains("integer"));
    }

    @Test
    void aKindWithoutASchemaFails() {
        ObjectNode unknown = (ObjectNode) Manifests.parse("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n").getFirst();
        assertThat(validator.validate(unknown)).singleElement().asString().contains("no schema");
    }

    @Test
    void anApiVersionTheOperatorNoLongerServesFails() {
        ObjectNode old = (ObjectNode) Manifests.parse("apiVersion: kafka.strimzi.io/v1beta2\nkind: Kafka\nmetadata:\n  name: x\n").getFirst();
        assertThat(validator.validate(old)).singleElement().asString().contains("no CRD").contains("serves kafka.strimzi.io/v1beta2 Kafka");
    }

    @Test
    void aBrokenManifestFailsAgainstTheUpstreamCrds() {
        String broken = """
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata:
                  name: broken
                spec:
                  kafka:
                    version: 4.3.1
                    replicas: 3
                    listeners:
                    - name: tls
                      port: "9093"
                      type: internal
                      tls: true
                ---
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata:
                  name: broken
                spec:
                  instances: three
                  postgresql:
                    synchronous:
                      method: quorum
                      number: 1
                ---
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata:
                  name: broken
                spec:
                  scaleTargetRef:
                    name: x
                  triggers:
                  - type: kafka
                    metadata:
                      lagThreshold: 50000
                """;
        List<ObjectNode> docs = Manifests.parse(broken);
        assertThat(validator.validate(docs.get(0)))
                .anySatisfy(p -> assertThat(p).contains("replicas"))
                .anySatisfy(p -> assertThat(p).contains("port").contains("integer"));
        assertThat(validator.validate(docs.get(1)))
                .anySatisfy(p -> assertThat(p).contains("instances").contains("integer"))
                .anySatisfy(p -> assertThat(p).contains("method"));
        assertThat(validator.validate(docs.get(2))).anySatisfy(p -> assertThat(p).contains("lagThreshold"));
    }

    @Test
    void theValidatorReadsTheCrdsBesideTheRepositoryAndSaysWhenTheyAreMissing(@TempDir Path empty) {
        assertThat(CrdSchemas.load().folder()).isEqualTo(RepositoryFiles.root().resolve("../shared/crds").normalize());
        assertThatThrownBy(() -> CrdSchemas.load(empty.resolve("crds")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("the upstream CRDs are missing");
    }

    @Test
    void preservedUnknownFieldsStayOpenAndIntOrStringTakesBoth() {
        ObjectNode schema = (ObjectNode) Manifests.parse("""
                type: object
                properties:
                  open:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
                    properties:
                      a: {type: string}
                  closed:
                    type: object
                    properties:
                      a: {type: string}
                  port:
                    x-kubernetes-int-or-string: true
                """).getFirst();
        ObjectNode structural = CrdSchemas.structural(schema);
        assertThat(structural.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(structural.at("/properties/open").has("additionalProperties")).isFalse();
        assertThat(structural.at("/properties/closed/additionalProperties").asBoolean(true)).isFalse();
        assertThat(structural.at("/properties/port/anyOf").findValuesAsText("type")).containsExactly("integer", "string");
    }
}
