package io.spillway.operations.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code openAPIV3Schema} of every CustomResourceDefinition in {@code ../shared/crds} (beside the
 * repository root, as CI places it), turned into a JSON Schema that rejects what the API server
 * rejects: the API server prunes or refuses fields a structural schema does not declare, and
 * {@code kubectl apply} refuses them (field validation "Strict"), so every object schema with
 * {@code properties} gets {@code additionalProperties: false} unless it says
 * {@code x-kubernetes-preserve-unknown-fields}. {@code x-kubernetes-int-or-string} becomes "integer or
 * string", {@code nullable} adds null, and an embedded resource gets apiVersion, kind and metadata.
 * The files are read as they are: refreshing them (their README) refreshes the check.
 *
 * <p>Limits: CEL rules ({@code x-kubernetes-validations}) and list-map keys are not evaluated; the
 * operators' webhooks and reconcilers may still refuse a resource that passes here.
 */
final class CrdSchemas {

    static final String LOCATION = "../shared/crds";

    /** group/version/kind → converted schema. */
    private final Map<String, ObjectNode> schemas = new LinkedHashMap<>();
    private final Path folder;

    private CrdSchemas(Path folder) {
        this.folder = folder;
    }

    static CrdSchemas load() {
        return load(RepositoryFiles.root().resolve(LOCATION).normalize());
    }

    static CrdSchemas load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new AssertionError("the upstream CRDs are missing: expected them in " + folder + " (" + LOCATION
                    + " beside the repository; a copy of /work/shared/crds in CI)");
        }
        CrdSchemas crds = new CrdSchemas(folder);
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (ObjectNode doc : Manifests.parse(Files.readString(file))) {
                    if ("CustomResourceDefinition".equals(doc.path("kind").asText())) {
                        crds.add(doc);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (crds.schemas.isEmpty()) {
            throw new AssertionError("no CustomResourceDefinition in " + folder);
        }
        return crds;
    }

    private void add(ObjectNode crd) {
        String group = crd.at("/spec/group").asText();
        String kind = crd.at("/spec/names/kind").asText();
        for (JsonNode version : crd.at("/spec/versions")) {
            JsonNode schema = version.at("/schema/openAPIV3Schema");
            if (version.path("served").asBoolean() && schema.isObject()) {
                schemas.put(group + "/" + version.path("name").asText() + "/" + kind, structural(schema.deepCopy()));
            }
        }
    }

    Path folder() {
        return folder;
    }

    /** The schema for an apiVersion ("group/version") and kind, when a CRD here serves it. */
    Optional<ObjectNode> schema(String apiVersion, String kind) {
        return Optional.ofNullable(schemas.get(apiVersion + "/" + kind));
    }

    boolean servesGroup(String group) {
        return schemas.keySet().stream().anyMatch(k -> k.startsWith(group + "/"));
    }

    List<String> served() {
        return List.copyOf(schemas.keySet());
    }

    static ObjectNode structural(ObjectNode schema) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            schema.remove("type");
            schema.remove("anyOf");
            ArrayNode anyOf = schema.putArray("anyOf");
            anyOf.addObject().put("type", "integer");
            anyOf.addObject().put("type", "string");
        }
        if (schema.path("nullable").asBoolean() && schema.path("type").isTextual()) {
            ArrayNode types = f.arrayNode().add(schema.path("type").asText()).add("null");
            schema.set("type", types);
        }
        if (schema.path("x-kubernetes-embedded-resource").asBoolean()) {
            ObjectNode properties = schema.withObject("/properties");
            properties.putIfAbsent("apiVersion", f.objectNode().put("type", "string"));
            properties.putIfAbsent("kind", f.objectNode().put("type", "string"));
            properties.putIfAbsent("metadata", f.objectNode().put("type", "object"));
        }
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
        if (schema.has("properties") && !schema.has("additionalProperties") && !preserve) {
            schema.put("additionalProperties", false);
        }
        for (String key : List.of("properties", "patternProperties", "definitions")) {
            if (schema.path(key).isObject()) {
                Iterator<Map.Entry<String, JsonNode>> fields = schema.path(key).fields();
                while (fields.hasNext()) {
                    if (fields.next().getValue() instanceof ObjectNode child) {
                        structural(child);
                    }
                }
            }
        }
        for (String key : List.of("items", "additionalProperties", "not")) {
            if (schema.path(key) instanceof ObjectNode child) {
                structural(child);
            }
        }
        for (String key : List.of("allOf", "anyOf", "oneOf")) {
            for (JsonNode child : schema.path(key)) {
                if (child instanceof ObjectNode object) {
                    structural(object);
                }
            }
        }
        return schema;
    }
}
