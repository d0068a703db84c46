package io.spillway.operations.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's {@code src/main/resources/application.yml}, flattened to property names, and the value
 * a property takes in a container with a given environment: a {@code ${ENV:default}} placeholder
 * takes ENV when set, otherwise its default; any property can also be overridden by its relaxed
 * environment name (spring.kafka.consumer.group-id ← SPRING_KAFKA_CONSUMER_GROUPID), as in Spring Boot.
 */
final class ServiceConfig {

    private static final Pattern PLACEHOLDER = Pattern.compile("^\\$\\{([A-Za-z0-9_.]+)(?::(.*))?}$");

    private final String service;
    private final String text;
    private final Map<String, String> properties;

    private ServiceConfig(String service, String text, Map<String, String> properties) {
        this.service = service;
        this.text = text;
        this.properties = properties;
    }

    static ServiceConfig of(String service) {
        Path file = RepositoryFiles.resolve(service).resolve("src/main/resources/application.yml");
        try {
            String text = Files.readString(file);
            Map<String, String> flat = new LinkedHashMap<>();
            flatten("", new YAMLMapper().readTree(text), flat);
            return new ServiceConfig(service, text, flat);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), into);
            }
        } else if (!node.isNull()) {
            into.put(prefix, node.isArray() ? node.toString() : node.asText());
        }
    }

    String service() {
        return service;
    }

    Optional<String> raw(String property) {
        return Optional.ofNullable(properties.get(property));
    }

    /** Whether the file reads the environment variable (as a placeholder). */
    boolean readsEnv(String name) {
        return text.contains("${" + name + ":") || text.contains("${" + name + "}");
    }

    static String relaxedEnvName(String property) {
        return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The form Spring Boot also accepts, with dashes turned into underscores. */
    static String legacyEnvName(String property) {
        return property.replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** Whether setting the variable changes some property of this file (by placeholder or relaxed name). */
    boolean boundByFile(String env) {
        return readsEnv(env) || properties.keySet().stream()
                .anyMatch(p -> relaxedEnvName(p).equals(env) || legacyEnvName(p).equals(env));
    }

    /** The property's value in a container whose environment is {@code env}; {@code fallback} when nothing sets it. */
    Optional<String> effective(String property, Map<String, String> env, String fallback) {
        for (String relaxed : new String[] {relaxedEnvName(property), legacyEnvName(property)}) {
            if (env.containsKey(relaxed)) {
                return Optional.of(env.get(relaxed));
            }
        }
        Optional<String> raw = raw(property);
        if (raw.isEmpty()) {
            return Optional.ofNullable(fallback);
        }
        Matcher m = PLACEHOLDER.matcher(raw.get().trim());
        if (m.matches()) {
            if (env.containsKey(m.group(1))) {
                return Optional.of(env.get(m.group(1)));
            }
            return Optional.ofNullable(m.group(2));
        }
        return raw;
    }
}
