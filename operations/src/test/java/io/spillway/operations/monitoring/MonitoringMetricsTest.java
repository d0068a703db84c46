package io.spillway.operations.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.spillway.operations.manifests.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard, the alert rules and the notifier's KEDA query read only series the code exports,
 * with only labels the code (or the scrape) gives them.
 */
class MonitoringMetricsTest {

    static final Path RULES = Path.of("infra/k8s/base/monitoring/spillway-alerts.yml");
    static final Path DASHBOARD = Path.of("infra/k8s/base/monitoring/spillway-dashboard.json");

    private static MetricCatalog catalog;

    @BeforeAll
    static void scan() {
        catalog = MetricCatalog.scan();
    }

    /** Expression → where it comes from. */
    static Map<String, String> ruleExpressions() throws IOException {
        Map<String, String> expressions = new LinkedHashMap<>();
        JsonNode rules = new YAMLMapper().readTree(RepositoryFiles.resolve(RULES.toString()).toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                expressions.put(rule.path("expr").asText(), RULES + " " + name);
            }
        }
        return expressions;
    }

    static Set<String> recordedNames() throws IOException {
        Set<String> names = new java.util.TreeSet<>();
        JsonNode rules = new YAMLMapper().readTree(RepositoryFiles.resolve(RULES.toString()).toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("record")) {
                    names.add(rule.path("record").asText());
                }
            }
        }
        return names;
    }

    static Map<String, String> dashboardExpressions() throws IOException {
        Map<String, String> expressions = new LinkedHashMap<>();
        JsonNode dashboard = new ObjectMapper().readTree(RepositoryFiles.resolve(DASHBOARD.toString()).toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put(target.path("expr").asText(), DASHBOARD + " panel \"" + panel.path("title").asText() + "\"");
            }
        }
        return expressions;
    }

    static Map<String, String> kedaQueries() throws IOException {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (String file : List.of("keda/notifier-scaledobject.yaml")) {
            JsonNode scaledObject = new YAMLMapper().readTree(RepositoryFiles.resolve(file).toFile());
            for (JsonNode trigger : scaledObject.at("/spec/triggers")) {
                if ("prometheus".equals(trigger.path("type").asText())) {
                    expressions.put(trigger.at("/metadata/query").asText(), file);
                }
            }
        }
        return expressions;
    }

    static List<String> unknownSeries(MetricCatalog catalog, Map<String, String> expressions, Set<String> recorded) {
        List<String> problems = new ArrayList<>();
        expressions.forEach((expression, where) -> PromQl.series(expression).forEach((name, labels) -> {
            if (recorded.contains(name)) {
                return;
            }
            MetricCatalog.Series series = catalog.series().get(name);
            if (series == null) {
                problems.add(where + ": " + name + " is not exported by any service");
                return;
            }
            for (String label : labels) {
                if (!series.labels().contains(label) && !MetricCatalog.SCRAPE_LABELS.contains(label)) {
                    problems.add(where + ": " + name + " has no label " + label + " (the code gives " + series.labels() + ")");
                }
            }
        }));
        return problems;
    }

    @Test
    void theCatalogReadsEveryMeterTheServicesRegister() {
        assertThat(catalog.problems()).isEmpty();
        assertThat(catalog.series()).containsKeys(
                "spillway_ingest_orders_accepted_total", "spillway_ingest_broker_ack_seconds_bucket",
                "spillway_notifier_streams_open", "spillway_processor_decisions_total", "http_server_requests_seconds_count");
        assertThat(catalog.series().get("spillway_processor_decisions_total").labels()).contains("outcome", "reason", "application");
    }

    @Test
    void theAlertRulesReadOnlyExportedSeries() throws IOException {
        assertThat(unknownSeries(catalog, ruleExpressions(), recordedNames())).isEmpty();
    }

    @Test
    void theDashboardReadsOnlyExportedSeries() throws IOException {
        Map<String, String> expressions = dashboardExpressions();
        assertThat(expressions).hasSizeGreaterThan(10);
        assertThat(unknownSeries(catalog, expressions, Set.of())).isEmpty();
    }

    @Test
    void theNotifiersScalerQueriesTheGaugeTheNotifierRegisters() throws IOException {
        Map<String, String> queries = kedaQueries();
        assertThat(queries).isNotEmpty();
        assertThat(unknownSeries(catalog, queries, Set.of())).isEmpty();
        assertThat(queries.keySet()).allSatisfy(q -> assertThat(q).contains("spillway_notifier_streams_open"));
    }

    @Test
    void aSeriesOrLabelTheCodeDoesNotExportFails() {
        Map<String, String> broken = new LinkedHashMap<>();
        broken.put("sum(spillway_notifier_open_streams)", "misnamed gauge");
        broken.put("sum(rate(spillway_processor_decisions_total{result=\"confirmed\"}[1m]))", "misnamed label");
        broken.put("histogram_quantile(0.99, sum by (le) (rate(spillway_processor_lag_records_bucket[1m])))", "no histogram published");
        broken.put("sum(spillway_items_remaining)", "the wished-for stock gauge");
        assertThat(unknownSeries(catalog, broken, Set.of())).containsExactlyInAnyOrder(
                "misnamed gauge: spillway_notifier_open_streams is not exported by any service",
                "misnamed label: spillway_processor_decisions_total has no label result (the code gives "
                        + catalog.series().get("spillway_processor_decisions_total").labels() + ")",
                "no histogram published: spillway_processor_lag_records_bucket is not exported by any service",
                "the wished-for stock gauge: spillway_items_remaining is not exported by any service");
    }

    @Test
    void theScannerTurnsMeterCallsIntoPrometheusNames() {
        MetricCatalog scanned = new MetricCatalog();
        scanned.scanSource("x", Path.of("X.java"), """
                Counter.builder("a.b.c").tag("k", "v").register(r);
                Timer.builder("t.one").publishPercentileHistogram().register(r);
                DistributionSummary.builder("s.size").baseUnit("records").publishPercentiles(0.5).register(r);
                Gauge.builder("g.lag", v, AtomicLong::get).baseUnit("records").tags("topic", t, "partition", p).register(r);
                registry.counter("c.short", "outcome", o, "reason", why).increment();
                Counter.builder(NAME).register(r);
                """);
        assertThat(scanned.series().keySet()).containsExactlyInAnyOrder(
                "a_b_c_total", "t_one_seconds_count", "t_one_seconds_sum", "t_one_seconds_max", "t_one_seconds_bucket",
                "s_size_records_count", "s_size_records_sum", "s_size_records_max", "s_size_records",
                "g_lag_records", "c_short_total");
        assertThat(scanned.series().get("g_lag_records").labels()).containsExactlyInAnyOrder("topic", "partition");
        assertThat(scanned.series().get("c_short_total").labels()).containsExactlyInAnyOrder("outcome", "reason");
        assertThat(scanned.problems()).singleElement().asString().contains("not a literal");
    }
}
