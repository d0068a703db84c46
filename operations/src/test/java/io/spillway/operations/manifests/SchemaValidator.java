package io.spillway.operations.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/**
 * Validates rendered manifests: a custom resource against the upstream CRD that serves its
 * apiVersion and kind ({@link CrdSchemas}, read from {@code ../shared/crds}); a built-in kind
 * (Deployment, Service, NetworkPolicy, …) against the schemas in {@code infra/k8s/schemas/kubernetes},
 * which were written for Spillway because no Kubernetes OpenAPI document is reachable here.
 *
 * <p>Limits: a custom resource of a group no CRD here serves (the Gateway API's HTTPRoute) is only
 * validated when infra/k8s/schemas has a schema for it; otherwise it is reported as unvalidated.
 */
final class SchemaValidator {

    /** API groups of Kubernetes itself → folder under infra/k8s/schemas. */
    private static final Map<String, String> BUILT_IN = Map.of(
            "", "kubernetes",
            "apps", "kubernetes/apps",
            "policy", "kubernetes/policy",
            "networking.k8s.io", "kubernetes/networking",
            "gateway.networking.k8s.io", "gateway");

    private final Path schemas = RepositoryFiles.resolve("infra/k8s/schemas");
    private final CrdSchemas crds;
    private final JsonSchemaFactory draft4 = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    private final JsonSchemaFactory draft2020 = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final Map<String, JsonSchema> loaded = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    SchemaValidator() {
        this(CrdSchemas.load());
    }

    SchemaValidator(CrdSchemas crds) {
        this.crds = crds;
    }

    /** Problems of one document, each prefixed with the document's kind and name; empty when valid. */
    List<String> validate(JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asText();
        String kind = doc.path("kind").asText();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        JsonSchema schema;
        if (crds.servesGroup(group)) {
            var crd = crds.schema(apiVersion, kind);
            if (crd.isEmpty()) {
                return List.of(Manifests.id(doc) + ": no CRD in " + crds.folder() + " serves " + apiVersion + " " + kind
                        + " (served: " + crds.served() + ")");
            }
            schema = loaded.computeIfAbsent("crd:" + apiVersion + "/" + kind, k -> draft4.getSchema(crd.get()));
        } else {
            String folder = BUILT_IN.get(group);
            Path file = folder == null ? null : schemas.resolve(folder).resolve(version).resolve(kind + ".json");
            if (file == null || !Files.isRegularFile(file)) {
                return List.of(Manifests.id(doc) + ": no schema for " + apiVersion + " " + kind
                        + " (neither a CRD in " + crds.folder() + " nor a file in infra/k8s/schemas)");
            }
            schema = loaded.computeIfAbsent(file.toString(), k -> draft2020.getSchema(read(file)));
        }
        List<String> problems = new ArrayList<>();
        for (ValidationMessage message : schema.validate(doc)) {
            problems.add(Manifests.id(doc) + ": " + message.getMessage());
        }
        return problems;
    }

    private ObjectNode read(Path file) {
        try {
            return (ObjectNode) json.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
