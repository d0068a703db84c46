package io.spillway.operations.monitoring;

import io.spillway.operations.manifests.RepositoryFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus series the services export, read from their sources: every Micrometer meter they
 * register by name (builders and {@code registry.counter(...)}-style calls) with the tag keys the
 * code gives it, turned into the names Micrometer's Prometheus registry writes (dots to
 * underscores, the base unit appended, {@code _total} for counters, {@code _seconds_count/_sum/_max}
 * for timers, {@code _bucket} only where a histogram is published, {@code quantile} only where
 * percentiles are). Plus the meters Spring Boot and libraries register, each only when its
 * dependency is in the service's pom, and the few platform series (not from the code) that the
 * scrape itself adds.
 *
 * <p>Limits: a meter whose name is not a string literal at the call cannot be read and is reported
 * as a problem rather than guessed; tags added by a {@code MeterFilter} would be missed (the
 * services have none).
 */
public final class MetricCatalog {

    public static final List<String> SERVICES = List.of("ingest-api", "notifier", "inventory-service", "order-processor");

    /** Labels Prometheus' kubernetes-pods scrape adds to every series, and the ones of histograms and summaries. */
    static final Set<String> SCRAPE_LABELS = Set.of("job", "instance", "namespace", "pod", "app_kubernetes_io_name",
            "app_kubernetes_io_part_of", "le", "quantile");

    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|Timer|Gauge|DistributionSummary|FunctionCounter|TimeGauge)\\.builder\\(\\s*(\"([^\"]+)\"|[^\"\\s])");
    private static final Pattern SHORTHAND = Pattern.compile("\\.(counter|timer|gauge|summary)\\(\\s*\"([^\"]+)\"");
    private static final Pattern TAG = Pattern.compile("\\.tag\\(\\s*\"([^\"]+)\"");
    private static final Pattern STRING = Pattern.compile("\"([^\"]*)\"");
    private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\\s*\"([^\"]+)\"");

    /** One exported series name and the label keys it can carry. */
    public record Series(String name, String service, Set<String> labels) {}

    private final Map<String, Series> series = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();

    public static MetricCatalog scan() {
        MetricCatalog catalog = new MetricCatalog();
        for (String service : SERVICES) {
            catalog.scanService(service);
        }
        return catalog;
    }

    public Map<String, Series> series() {
        return series;
    }

    public List<String> problems() {
        return problems;
    }

    public boolean has(String name) {
        return series.containsKey(name);
    }

    private void scanService(String service) {
        Path sources = RepositoryFiles.resolve(service).resolve("src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                scanSource(service, file, Files.readString(file));
            }
            String pom = Files.readString(RepositoryFiles.resolve(service).resolve("pom.xml"));
            frameworkMeters(service, pom,
                    Files.readString(RepositoryFiles.resolve(service).resolve("src/main/resources/application.yml")));
            if (pom.contains("<artifactId>spillway-observability</artifactId>")) {
                // management.metrics.tags.application, set for every meter by spillway-observability.
                series.replaceAll((name, s) -> s.service().contains(service) ? withLabel(s, "application") : s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void scanSource(String service, Path file, String source) {
        Matcher builder = BUILDER.matcher(source);
        while (builder.find()) {
            if (builder.group(3) == null) {
                problems.add(file + ": a " + builder.group(1) + " whose name is not a literal; name it in place");
                continue;
            }
            int end = source.indexOf(".register(", builder.end());
            String chain = source.substring(builder.end(), end < 0 ? Math.min(source.length(), builder.end() + 800) : end);
            Set<String> tags = new TreeSet<>();
            Matcher tag = TAG.matcher(chain);
            while (tag.find()) {
                tags.add(tag.group(1));
            }
            for (int at = chain.indexOf(".tags("); at >= 0; at = chain.indexOf(".tags(", at + 1)) {
                tags.addAll(keyValueKeys(arguments(chain, at + ".tags(".length())));
            }
            Matcher unit = BASE_UNIT.matcher(chain);
            add(service, kind(builder.group(1)), builder.group(3), unit.find() ? unit.group(1) : null,
                    chain.contains("publishPercentileHistogram") || chain.contains("serviceLevelObjectives"),
                    chain.contains("publishPercentiles("), tags);
        }
        Matcher shorthand = SHORTHAND.matcher(source);
        while (shorthand.find()) {
            String all = arguments(source, shorthand.start() + shorthand.group(1).length() + 2);
            // The first argument is the name itself; the tag keys follow it.
            add(service, shorthand.group(1), shorthand.group(2), null, false, false,
                    new TreeSet<>(keyValueKeys(all.substring(all.indexOf('"', all.indexOf('"') + 1) + 1))));
        }
    }

    /** The text between the parenthesis opened just before {@code from} and the one that closes it. */
    private static String arguments(String text, int from) {
        int depth = 1;
        boolean quoted = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' && text.charAt(i - 1) != '\\') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && --depth == 0) {
                return text.substring(from, i);
            }
        }
        return text.substring(from);
    }

    /** The keys of a "k1", v1, "k2", v2 argument list: the string literals in even positions. */
    private static List<String> keyValueKeys(String arguments) {
        List<String> keys = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < arguments.length(); i++) {
            char c = arguments.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(arguments.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(arguments.substring(start));
        int position = 0;
        for (String part : parts) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (position % 2 == 0) {
                Matcher literal = STRING.matcher(trimmed);
                if (literal.matches()) {
                    keys.add(literal.group(1));
                }
            }
            position++;
        }
        return keys;
    }

    private static String kind(String builder) {
        return switch (builder) {
            case "Counter", "FunctionCounter" -> "counter";
            case "Timer" -> "timer";
            case "DistributionSummary" -> "summary";
            default -> "gauge";
        };
    }

    private void add(String service, String kind, String meter, String baseUnit, boolean histogram, boolean percentiles, Set<String> tags) {
        String base = meter.replace('.', '_').replace('-', '_');
        switch (kind) {
            case "counter" -> put(service, withUnit(base, baseUnit) + "_total", tags);
            case "gauge" -> put(service, withUnit(base, baseUnit), tags);
            case "timer" -> distribution(service, withUnit(base, "seconds"), histogram, percentiles, tags);
            default -> distribution(service, withUnit(base, baseUnit), histogram, percentiles, tags);
        }
    }

    private static String withUnit(String base, String unit) {
        return unit == null || base.endsWith("_" + unit) ? base : base + "_" + unit;
    }

    private void distribution(String service, String base, boolean histogram, boolean percentiles, Set<String> tags) {
        for (String suffix : List.of("_count", "_sum", "_max")) {
            put(service, base + suffix, tags);
        }
        if (histogram) {
            put(service, base + "_bucket", tags);
        }
        if (percentiles) {
            put(service, base, tags);
        }
    }

    private void put(String service, String name, Set<String> tags) {
        series.merge(name, new Series(name, service, Set.copyOf(tags)), (a, b) -> {
            Set<String> union = new TreeSet<>(a.labels());
            union.addAll(b.labels());
            return new Series(name, a.service().equals(b.service()) ? a.service() : a.service() + "," + b.service(), union);
        });
    }

    private static Series withLabel(Series series, String label) {
        Set<String> labels = new TreeSet<>(series.labels());
        labels.add(label);
        return new Series(series.name(), series.service(), Set.copyOf(labels));
    }

    /** Meters Spring Boot's auto-configuration and libraries register, by the dependency that brings them. */
    private void frameworkMeters(String service, String pom, String applicationYml) {
        if (pom.contains("<artifactId>spring-boot-starter-actuator</artifactId>")) {
            put(service, "jvm_memory_used_bytes", Set.of("area", "id"));
            put(service, "jvm_threads_live_threads", Set.of());
            put(service, "process_cpu_usage", Set.of());
            for (String suffix : List.of("_count", "_sum", "_max")) {
                put(service, "jvm_gc_pause_seconds" + suffix, Set.of("action", "cause", "gc"));
            }
        }
        if (pom.contains("<artifactId>spring-boot-starter-web</artifactId>") || pom.contains("<artifactId>spring-boot-starter-webflux</artifactId>")) {
            Set<String> tags = Set.of("method", "uri", "status", "outcome", "exception", "error");
            for (String suffix : List.of("_count", "_sum", "_max")) {
                put(service, "http_server_requests_seconds" + suffix, tags);
            }
            // spillway-observability publishes the histogram unless the service turns it off.
            boolean histogram = pom.contains("<artifactId>spillway-observability</artifactId>")
                    ? !applicationYml.contains("http.server.requests: false")
                    : applicationYml.contains("http.server.requests: true");
            if (histogram) {
                put(service, "http_server_requests_seconds_bucket", tags);
            }
        }
        if (pom.contains("<artifactId>resilience4j-spring-boot3</artifactId>")) {
            put(service, "resilience4j_circuitbreaker_state", Set.of("name", "state"));
        }
        if (pom.contains("<artifactId>spring-boot-starter-jdbc</artifactId>") || pom.contains("<artifactId>spring-boot-starter-data-jpa</artifactId>")) {
            put(service, "hikaricp_connections_active", Set.of("pool"));
            put(service, "hikaricp_connections_pending", Set.of("pool"));
        }
    }
}
