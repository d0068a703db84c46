package io.spillway.operations.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.operations.manifests.RepositoryFiles;
import io.spillway.operations.manifests.Tools;
import io.spillway.operations.scaling.SpillwayScaling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** promtool's own checks of the alert rules and its unit tests of them (spillway-alerts.test.yml). */
class PrometheusRulesTest {

    private static final Path MONITORING = RepositoryFiles.resolve("infra/k8s/base/monitoring");

    @Test
    void promtoolChecksTheRules() {
        Tools.Outcome outcome = Tools.run(MONITORING, Tools.find("promtool", "prometheus").toString(),
                "check", "rules", "spillway-alerts.yml");
        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isZero();
        assertThat(outcome.stdout()).contains("SUCCESS");
    }

    @Test
    void promtoolUnitTestsOfTheRulesPass() {
        Tools.Outcome outcome = Tools.run(MONITORING, Tools.find("promtool", "prometheus").toString(),
                "test", "rules", "spillway-alerts.test.yml");
        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isZero();
        assertThat(outcome.stdout()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTestAndARunbookEntry() throws IOException {
        String tests = Files.readString(MONITORING.resolve("spillway-alerts.test.yml"));
        String runbook = Files.readString(RepositoryFiles.resolve("docs/operations.md"));
        for (String alert : Files.readAllLines(MONITORING.resolve("spillway-alerts.yml")).stream()
                .filter(l -> l.trim().startsWith("- alert: ")).map(l -> l.trim().substring("- alert: ".length())).toList()) {
            assertThat(tests).as("a promtool test of " + alert).contains("alertname: " + alert);
            assertThat(runbook).as("docs/operations.md on " + alert).contains("### " + alert);
        }
    }

    @Test
    void theLagAlertFiresAboveOneDeployedLagThreshold() throws IOException {
        // Below one lagThreshold the HPA is not meant to add a processor, so "no scale-up" is no news.
        String rules = Files.readString(MONITORING.resolve("spillway-alerts.yml"));
        String alert = rules.substring(rules.indexOf("- alert: SpillwayLagGrowingWithoutScaleUp"));
        assertThat(alert.substring(0, alert.indexOf("for:")))
                .contains("(spillway_processor_lag_records)) > " + SpillwayScaling.LAG_THRESHOLD + "\n");
    }

    @Test
    void aRuleThatBreaksItsUnitTestFailsIt() throws IOException {
        Path copy = Files.createTempDirectory("spillway-rules");
        try {
            String rules = Files.readString(MONITORING.resolve("spillway-alerts.yml"));
            Files.writeString(copy.resolve("spillway-alerts.yml"), rules.replace("max(spillway_processor_paused) == 1", "max(spillway_processor_paused) == 2"));
            Files.copy(MONITORING.resolve("spillway-alerts.test.yml"), copy.resolve("spillway-alerts.test.yml"));
            Tools.Outcome outcome = Tools.run(copy, Tools.find("promtool", "prometheus").toString(),
                    "test", "rules", "spillway-alerts.test.yml");
            assertThat(outcome.exitCode()).isNotZero();
            assertThat(outcome.stdout() + outcome.stderr()).contains("SpillwayProcessorCircuitOpen");
        } finally {
            try (var files = Files.walk(copy)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
