package io.spillway.operations.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The rendered output of one kustomize overlay, as parsed documents, with look-ups by kind and name. */
public final class Manifests {

    public static final List<String> OVERLAYS = List.of("infra/k8s/overlays/local", "infra/k8s/overlays/production");

    private static final ObjectMapper YAML = new YAMLMapper();

    private final String source;
    private final List<ObjectNode> documents;

    Manifests(String source, List<ObjectNode> documents) {
        this.source = source;
        this.documents = documents;
    }

    /** {@code kubectl kustomize <overlay>}: the same command an operator would apply. */
    public static Manifests render(String overlay) {
        Path kubectl = Tools.find("kubectl", "kubernetes-client");
        Tools.Outcome outcome = Tools.run(RepositoryFiles.root(), kubectl.toString(), "kustomize", overlay);
        if (outcome.exitCode() != 0) {
            throw new AssertionError("kubectl kustomize " + overlay + " failed:\n" + outcome.stderr());
        }
        return new Manifests(overlay, parse(outcome.stdout()));
    }

    static List<ObjectNode> parse(String yaml) {
        List<ObjectNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            var values = YAML.readValues(parser, JsonNode.class);
            while (values.hasNext()) {
                JsonNode doc = values.next();
                if (doc instanceof ObjectNode object && !object.isEmpty()) {
                    docs.add(object);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    public String source() {
        return source;
    }

    public List<ObjectNode> documents() {
        return documents;
    }

    /** A deep copy, for a test that breaks something on purpose. */
    public Manifests copy() {
        return new Manifests(source + " (copy)", new ArrayList<>(documents.stream().map(ObjectNode::deepCopy).toList()));
    }

    public List<ObjectNode> ofKind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    public Optional<ObjectNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(d -> name.equals(d.path("metadata").path("name").asText())).findFirst();
    }

    public ObjectNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(source + " has no " + kind + " " + name));
    }

    /** Identifies a document in messages. */
    public static String id(JsonNode doc) {
        return doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
    }
}
