package io.spillway.operations.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ManifestConsistencyTest {

    static final List<String> OVERLAYS = Manifests.OVERLAYS;

    private static Manifests local;

    @BeforeAll
    static void render() {
        local = Manifests.render("infra/k8s/overlays/local");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theManifestsAgreeWithTheCode(String overlay) {
        Manifests manifests = overlay.equals("infra/k8s/overlays/local") ? local : Manifests.render(overlay);
        assertThat(ManifestConsistency.check(manifests)).isEmpty();
    }

    private static List<String> problemsAfter(Consumer<Manifests> breakIt) {
        Manifests broken = local.copy();
        breakIt.accept(broken);
        return ManifestConsistency.check(broken);
    }

    private static ObjectNode processorContainer(Manifests m) {
        return (ObjectNode) m.get("Deployment", "order-processor").at("/spec/template/spec/containers/0");
    }

    private static ObjectNode kafkaTrigger(Manifests m) {
        return (ObjectNode) m.get("ScaledObject", "order-processor").at("/spec/triggers/0/metadata");
    }

    @Test
    void aTopicTheCodeDoesNotUseInTheScaledObjectFails() {
        assertThat(problemsAfter(m -> kafkaTrigger(m).put("topic", "orders.request")))
                .anySatisfy(p -> assertThat(p).contains("ScaledObject order-processor topic is orders.request"));
    }

    @Test
    void aConsumerGroupOtherThanTheProcessorsFails() {
        assertThat(problemsAfter(m -> kafkaTrigger(m).put("consumerGroup", "processor")))
                .anySatisfy(p -> assertThat(p).contains("consumerGroup is processor, the code says order-processor"));
    }

    @Test
    void aGroupChangedForTheProcessorButNotForKedaAndTheNotifierFails() {
        List<String> problems = problemsAfter(m -> ((ArrayNode) processorContainer(m).withArray("env"))
                .addObject().put("name", "SPILLWAY_PROCESSOR_GROUP").put("value", "order-processor-v2"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("consumerGroup is order-processor, the code says order-processor-v2"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("spillway.notifier.processor-group"));
    }

    @Test
    void aPartitionCountOtherThanTheCatalogueFails() {
        assertThat(problemsAfter(m -> ((ObjectNode) m.get("KafkaTopic", "orders.requested").path("spec")).put("partitions", 24)))
                .anySatisfy(p -> assertThat(p).contains("KafkaTopic orders.requested partitions is 24, the code says 12"));
    }

    @Test
    void aMissingTopicFails() {
        assertThat(problemsAfter(m -> m.documents().remove(m.get("KafkaTopic", "orders.dlq"))))
                .anySatisfy(p -> assertThat(p).contains("no KafkaTopic orders.dlq"));
    }

    @Test
    void aMissingHoldsTopicFails() {
        assertThat(problemsAfter(m -> m.documents().remove(m.get("KafkaTopic", "orders.holds"))))
                .anySatisfy(p -> assertThat(p).contains("no KafkaTopic for orders.holds"));
    }

    @Test
    void aCommandsTopicStampedByItsProducersFails() {
        assertThat(problemsAfter(m -> ((ObjectNode) m.get("KafkaTopic", "orders.commands").at("/spec/config"))
                        .put("message.timestamp.type", "CreateTime")))
                .anySatisfy(p -> assertThat(p).contains("KafkaTopic orders.commands message.timestamp.type is CreateTime, the code says LogAppendTime"));
    }

    @Test
    void aHoldsTopicThatOnlyCompactsFails() {
        assertThat(problemsAfter(m -> ((ObjectNode) m.get("KafkaTopic", "orders.holds").at("/spec/config")).put("cleanup.policy", "compact")))
                .anySatisfy(p -> assertThat(p).contains("KafkaTopic orders.holds cleanup.policy is compact, the code says compact,delete"));
    }

    @Test
    void aServiceWithoutJsonLogsFails() {
        assertThat(problemsAfter(m -> ((ArrayNode) processorContainer(m).withArray("env"))
                .addObject().put("name", "LOGGING_STRUCTURED_FORMAT_CONSOLE").put("value", "")))
                .anySatisfy(p -> assertThat(p).contains("Deployment order-processor logs are not JSON"));
    }

    @Test
    void aContainerPortOtherThanTheServicesFails() {
        assertThat(problemsAfter(m -> ((ObjectNode) processorContainer(m).at("/ports/0")).put("containerPort", 8080)))
                .anySatisfy(p -> assertThat(p).contains("Deployment order-processor containerPort http is 8080, the code says 8083"));
    }

    @Test
    void aProbePathTheActuatorDoesNotServeFails() {
        assertThat(problemsAfter(m -> ((ObjectNode) processorContainer(m).at("/readinessProbe/httpGet")).put("path", "/health/ready")))
                .anySatisfy(p -> assertThat(p).contains("readinessProbe path is /health/ready, the code says /actuator/health/readiness"));
    }

    @Test
    void aBootstrapAddressOtherThanTheKafkaClustersFails() {
        assertThat(problemsAfter(m -> kafkaTrigger(m).put("bootstrapServers", "kafka:9092")))
                .anySatisfy(p -> assertThat(p).contains("bootstrapServers is kafka:9092"));
    }

    @Test
    void aLagThresholdTheSimulatorDidNotChooseFails() {
        assertThat(problemsAfter(m -> kafkaTrigger(m).put("lagThreshold", "100")))
                .anySatisfy(p -> assertThat(p).contains("lagThreshold is 100, the code says 50000"));
    }

    @Test
    void moreReplicasThanPartitionsFails() {
        assertThat(problemsAfter(m -> ((ObjectNode) m.get("ScaledObject", "order-processor").path("spec")).put("maxReplicaCount", 13)))
                .anySatisfy(p -> assertThat(p).contains("maxReplicaCount 13 is above the 12 partitions"));
    }

    @Test
    void anEnvironmentVariableNoPropertyReadsFails() {
        assertThat(problemsAfter(m -> ((ArrayNode) processorContainer(m).withArray("env"))
                .addObject().put("name", "SPILLWAY_PROCESOR_GROUP").put("value", "x")))
                .anySatisfy(p -> assertThat(p).contains("sets SPILLWAY_PROCESOR_GROUP, which order-processor does not read"));
    }

    @Test
    void inProductionNoTopicCanGetFewerThanThreeReplicas() {
        assertThat(ManifestConsistency.durability(Manifests.render("infra/k8s/overlays/production"), 3, 2)).isEmpty();
    }

    @Test
    void aServiceLeftAtTheDefaultReplicationFactorFailsTheDurabilityCheck() {
        Manifests production = Manifests.render("infra/k8s/overlays/production").copy();
        ObjectNode env = (ObjectNode) production.ofKind("ConfigMap").stream()
                .filter(c -> c.at("/metadata/name").asText().startsWith("spillway-env")).findFirst().orElseThrow().path("data");
        env.remove("SPILLWAY_TOPICS_REPLICATIONFACTOR");
        ((ObjectNode) production.get("KafkaTopic", "orders.holds").at("/spec/config")).put("min.insync.replicas", 1);
        ((ObjectNode) production.get("KafkaTopic", "sales").path("spec")).put("replicas", 2);
        assertThat(ManifestConsistency.durability(production, 3, 2))
                .anySatisfy(p -> assertThat(p).contains("notifier's created topics' spillway.topics.replication-factor is 1, fewer than 3"))
                .anySatisfy(p -> assertThat(p).contains("KafkaTopic/orders.holds min.insync.replicas is 1, fewer than 2"))
                .anySatisfy(p -> assertThat(p).contains("KafkaTopic/sales replicas is 2, fewer than 3"));
    }

    @Test
    void theLocalOverlayIsSingleReplicaAndSaysSo() {
        assertThat(ManifestConsistency.durability(local, 3, 2))
                .anySatisfy(p -> assertThat(p).contains("broker replicas (KafkaNodePools) is 1, fewer than 3"));
    }

    @Test
    void aClientThatDoesNotTrustTheClusterCaFails() {
        assertThat(problemsAfter(m -> ((ObjectNode) processorContainer(m).at("/volumeMounts/0")).put("mountPath", "/etc/elsewhere")))
                .anySatisfy(p -> assertThat(p).contains("order-processor's truststore /etc/spillway/kafka-ca/ca.crt is not the mounted ca.crt"));
    }

    @Test
    void aKedaTriggerWithoutTlsFails() {
        assertThat(problemsAfter(m -> kafkaTrigger(m).put("tls", "disable")))
                .anySatisfy(p -> assertThat(p).contains("kafka trigger tls is disable, the code says enable"));
    }

    @Test
    void ingestDividingItsLimitsByOtherThanKedasMaximumFails() {
        Manifests production = Manifests.render("infra/k8s/overlays/production").copy();
        ((ObjectNode) production.get("ScaledObject", "ingest-api").path("spec")).put("maxReplicaCount", 40);
        assertThat(ManifestConsistency.check(production))
                .anySatisfy(p -> assertThat(p).contains("ingest-api divides its rate limits by 30 instances (SPILLWAY_INGEST_INSTANCES), but KEDA runs up to 40"));
    }
}
