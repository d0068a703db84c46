package io.spillway.operations.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.operations.scaling.SpillwayScaling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** infra/k8s/prewarm.sh: the cron window of one sale, rendered from its opensAt onto the production overlay. */
class PrewarmWindowTest {

    @TempDir
    Path out;

    private Manifests prewarm(String opensAt) throws IOException {
        Path script = RepositoryFiles.resolve("infra/k8s/prewarm.sh");
        Tools.Outcome outcome = Tools.run(RepositoryFiles.root(), script.toString(), opensAt, out.toString());
        assertThat(outcome.exitCode()).as(outcome.stderr()).isZero();
        assertThat(Files.readString(out.resolve("kustomization.yaml"))).contains(opensAt);
        return Manifests.render(out.toString());
    }

    private static JsonNode cron(Manifests manifests, String scaledObject) {
        List<JsonNode> crons = new ArrayList<>();
        for (JsonNode trigger : manifests.get("ScaledObject", scaledObject).at("/spec/triggers")) {
            if ("cron".equals(trigger.path("type").asText())) {
                crons.add(trigger.path("metadata"));
            }
        }
        assertThat(crons).as("cron triggers of %s", scaledObject).hasSize(1);
        return crons.getFirst();
    }

    @Test
    void theWindowOpensFifteenMinutesBeforeTheSaleAndClosesAnHourAfterIt() throws IOException {
        Manifests manifests = prewarm("2026-12-24T09:00:00Z");
        for (String scaledObject : List.of("order-processor", "ingest-api")) {
            JsonNode cron = cron(manifests, scaledObject);
            assertThat(cron.path("timezone").asText()).isEqualTo("Etc/UTC");
            assertThat(cron.path("start").asText()).isEqualTo("45 8 24 12 *");
            assertThat(cron.path("end").asText()).isEqualTo("0 10 24 12 *");
        }
        assertThat(cron(manifests, "order-processor").path("desiredReplicas").asText())
                .isEqualTo(String.valueOf(SpillwayScaling.PREWARM_REPLICAS));
        assertThat(manifests.get("ScaledObject", "order-processor").at("/spec/triggers/0/type").asText()).isEqualTo("kafka");
        // Ingest at its maximum, the count its rate limits are divided by: exact while the sale opens.
        assertThat(cron(manifests, "ingest-api").path("desiredReplicas").asText())
                .isEqualTo(manifests.get("ScaledObject", "ingest-api").at("/spec/maxReplicaCount").asText());
    }

    @Test
    void aSaleJustAfterMidnightOnNewYearsDayStartsTheWindowTheYearBefore() throws IOException {
        JsonNode cron = cron(prewarm("2027-01-01T00:10:00+00:00"), "order-processor");
        assertThat(cron.path("start").asText()).isEqualTo("55 23 31 12 *");
        assertThat(cron.path("end").asText()).isEqualTo("10 1 1 1 *");
    }

    @Test
    void anOpensAtWithAnOffsetIsTurnedIntoUtc() throws IOException {
        JsonNode cron = cron(prewarm("2026-06-01T10:00:00+02:00"), "ingest-api");
        assertThat(cron.path("start").asText()).isEqualTo("45 7 1 6 *");
        assertThat(cron.path("end").asText()).isEqualTo("0 9 1 6 *");
    }

    @Test
    void theRenderedWindowIsValidAgainstKedasCrdAndAgreesWithTheCode() throws IOException {
        Manifests manifests = prewarm("2026-12-24T09:00:00Z");
        SchemaValidator validator = new SchemaValidator();
        List<String> problems = new ArrayList<>();
        for (var doc : manifests.ofKind("ScaledObject")) {
            problems.addAll(validator.validate(doc));
        }
        problems.addAll(ManifestConsistency.check(manifests));
        assertThat(problems).isEmpty();
    }

    @Test
    void anOpensAtThatIsNotATimeIsRefused() {
        Tools.Outcome outcome = Tools.run(RepositoryFiles.root(), RepositoryFiles.resolve("infra/k8s/prewarm.sh").toString(),
                "Christmas", out.toString());
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).contains("cannot read opensAt 'Christmas'");
        assertThat(out.resolve("kustomization.yaml")).doesNotExist();
    }

    @Test
    void theOverlaysThemselvesCarryNoDate() {
        for (String overlay : Manifests.OVERLAYS) {
            for (var scaledObject : Manifests.render(overlay).ofKind("ScaledObject")) {
                assertThat(scaledObject.at("/spec/triggers").findValuesAsText("type")).as(Manifests.id(scaledObject)).doesNotContain("cron");
            }
        }
    }
}
