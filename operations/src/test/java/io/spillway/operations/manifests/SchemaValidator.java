package io.spillway.operations.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Validates manifests against the schemas in infra/k8s/schemas (their origin is in that folder's README). */
final class SchemaValidator {

    /** API group → folder under infra/k8s/schemas. */
    private static final Map<String, String> FOLDERS = Map.of(
            "", "kubernetes",
            "apps", "kubernetes/apps",
            "policy", "kubernetes/policy",
            "keda.sh", "keda",
            "kafka.strimzi.io", "strimzi",
            "postgresql.cnpg.io", "cnpg");

    private final Path schemas = RepositoryFiles.resolve("infra/k8s/schemas");
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final Map<Path, JsonSchema> loaded = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    /** Problems of one document, each prefixed with the document's kind and name; empty when valid. */
    List<String> validate(JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asText();
        String kind = doc.path("kind").asText();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        String folder = FOLDERS.get(group);
        Path file = folder == null ? null : schemas.resolve(folder).resolve(version).resolve(kind + ".json");
        if (file == null || !Files.isRegularFile(file)) {
            return List.of(Manifests.id(doc) + ": no schema for " + apiVersion + " " + kind + " in infra/k8s/schemas");
        }
        JsonSchema schema = loaded.computeIfAbsent(file, this::load);
        List<String> problems = new ArrayList<>();
        for (ValidationMessage message : schema.validate(doc)) {
            problems.add(Manifests.id(doc) + ": " + message.getMessage());
        }
        return problems;
    }

    private JsonSchema load(Path file) {
        try {
            return factory.getSchema(json.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
