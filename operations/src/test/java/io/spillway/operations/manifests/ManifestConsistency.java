package io.spillway.operations.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spillway.contract.Topics;
import io.spillway.operations.scaling.HorizontalPodAutoscaler;
import io.spillway.operations.scaling.SpillwayScaling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Compares rendered manifests with the code: topic names, partitions and the holds topics' settings
 * with the contract's catalogue, ports and probe paths with the services' application.yml and the contract's port
 * table, the Kafka address, credentials, consumer group and topic of every client (the KEDA
 * trigger included) with the Strimzi cluster and the services' settings, the database address with
 * the CloudNativePG cluster, and the order-processor's autoscaling with the simulator's constants.
 * Each disagreement is one line of the result; the test wants none.
 */
final class ManifestConsistency {

    /** The contract's process table (CONTRACT.md, "Processes and default ports"). */
    static final Map<String, Integer> CONTRACT_PORTS = contractPorts();

    static final String LIVENESS = "/actuator/health/liveness";
    static final String READINESS = "/actuator/health/readiness";
    static final String PROMETHEUS = "/actuator/prometheus";
    private static final String SECRET = "<from a Secret>";

    private final Manifests manifests;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, ServiceConfig> configs = new LinkedHashMap<>();

    private ManifestConsistency(Manifests manifests) {
        this.manifests = manifests;
        for (String service : CONTRACT_PORTS.keySet()) {
            configs.put(service, ServiceConfig.of(service));
        }
    }

    static List<String> check(Manifests manifests) {
        ManifestConsistency check = new ManifestConsistency(manifests);
        check.topics();
        for (String service : CONTRACT_PORTS.keySet()) {
            check.service(service);
        }
        check.kafkaClients();
        check.database();
        check.processorScaling();
        check.noReplicasAgainstKeda();
        check.ingestInstances();
        return List.copyOf(check.problems);
    }

    private static Map<String, Integer> contractPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("ingest-api", 8080);
        ports.put("notifier", 8081);
        ports.put("inventory-service", 8082);
        ports.put("order-processor", 8083);
        return ports;
    }

    private void problem(String format, Object... args) {
        problems.add(manifests.source() + ": " + String.format(format, args));
    }

    private void expect(String what, Object actual, Object expected) {
        if (!Objects.equals(String.valueOf(actual), String.valueOf(expected))) {
            problem("%s is %s, the code says %s", what, actual, expected);
        }
    }

    // --- topics ------------------------------------------------------------------------------------

    private void topics() {
        Topics code = Topics.DEFAULTS;
        Map<String, String> sourceDefaults = contractSourceTopicNames();
        for (Map.Entry<String, String> e : sourceDefaults.entrySet()) {
            if (manifests.find("KafkaTopic", e.getValue()).isEmpty()) {
                problem("no KafkaTopic %s (the contract's %s topic)", e.getValue(), e.getKey());
            }
        }
        for (String name : List.of(code.requested(), code.results(), code.dlq(), code.commands(), code.holds())) {
            if (!hasTopicNamed(name)) {
                problem("no KafkaTopic for %s (Topics.DEFAULTS)", name);
            }
        }
        // As the contract's auto-configuration creates them (SpillwayContractAutoConfiguration): the
        // processor's payment cutoff reads the broker's append time, and the door reads the holds whole.
        topicByName(code.commands()).ifPresent(t -> {
            expect("KafkaTopic " + code.commands() + " partitions", t.at("/spec/partitions").asInt(), code.partitions());
            expect("KafkaTopic " + code.commands() + " message.timestamp.type",
                    t.at("/spec/config/message.timestamp.type").asText(), "LogAppendTime");
        });
        topicByName(code.holds()).ifPresent(t -> {
            expect("KafkaTopic " + code.holds() + " partitions", t.at("/spec/partitions").asInt(), 1);
            expect("KafkaTopic " + code.holds() + " cleanup.policy", t.at("/spec/config/cleanup.policy").asText(), "compact,delete");
        });
        topicByName(code.requested()).ifPresent(t ->
                expect("KafkaTopic " + code.requested() + " partitions", t.at("/spec/partitions").asInt(), code.partitions()));
        topicByName(code.results()).ifPresent(t ->
                expect("KafkaTopic " + code.results() + " partitions", t.at("/spec/partitions").asInt(), code.partitions()));
        for (String catalogue : List.of("sales", "availability")) {
            String name = sourceDefaults.get(catalogue);
            if (name != null) {
                topicByName(name).ifPresent(t -> expect("KafkaTopic " + name + " cleanup.policy",
                        t.at("/spec/config/cleanup.policy").asText(), "compact"));
            }
        }
        String cluster = kafkaCluster().path("metadata").path("name").asText();
        int brokers = manifests.ofKind("KafkaNodePool").stream()
                .filter(p -> p.at("/spec/roles").toString().contains("broker"))
                .mapToInt(p -> p.at("/spec/replicas").asInt()).sum();
        for (ObjectNode doc : Stream.of("KafkaTopic", "KafkaUser", "KafkaNodePool").flatMap(k -> manifests.ofKind(k).stream()).toList()) {
            expect(Manifests.id(doc) + " label strimzi.io/cluster", doc.at("/metadata/labels").path("strimzi.io/cluster").asText(), cluster);
        }
        for (ObjectNode topic : manifests.ofKind("KafkaTopic")) {
            if (topic.at("/spec/replicas").asInt() > brokers) {
                problem("%s has %d replicas but there are %d brokers", Manifests.id(topic), topic.at("/spec/replicas").asInt(), brokers);
            }
        }
    }

    /** The default topic names as written in the contract's source (Topics.java), newer than the jar on the classpath. */
    private static Map<String, String> contractSourceTopicNames() {
        Path file = RepositoryFiles.resolve("contract/src/main/java/io/spillway/contract/Topics.java");
        Map<String, String> names = new LinkedHashMap<>();
        try {
            String source = Files.readString(file);
            Matcher defaults = Pattern.compile("DEFAULTS\\s*=\\s*new Topics\\(\\s*\"([^\"]+)\",\\s*\"([^\"]+)\",\\s*\"([^\"]+)\"").matcher(source);
            if (defaults.find()) {
                names.put("requested", defaults.group(1));
                names.put("results", defaults.group(2));
                names.put("dlq", defaults.group(3));
            }
            Matcher constants = Pattern.compile("String DEFAULT_([A-Z_]+)\\s*=\\s*\"([^\"]+)\"").matcher(source);
            while (constants.find()) {
                names.put(constants.group(1).toLowerCase(java.util.Locale.ROOT), constants.group(2));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private boolean hasTopicNamed(String name) {
        return topicByName(name).isPresent();
    }

    /** A KafkaTopic's topic name is spec.topicName when set, else its metadata.name. */
    private Optional<ObjectNode> topicByName(String name) {
        return manifests.ofKind("KafkaTopic").stream().filter(t -> name.equals(topicName(t))).findFirst();
    }

    private static String topicName(JsonNode topic) {
        String explicit = topic.at("/spec/topicName").asText("");
        return explicit.isEmpty() ? topic.at("/metadata/name").asText() : explicit;
    }

    // --- services ----------------------------------------------------------------------------------

    private void service(String name) {
        ServiceConfig config = configs.get(name);
        Optional<ObjectNode> deployment = manifests.find("Deployment", name);
        if (deployment.isEmpty()) {
            problem("no Deployment %s", name);
            return;
        }
        JsonNode container = container(deployment.get(), name);
        if (container == null) {
            problem("Deployment %s has no container %s", name, name);
            return;
        }
        Map<String, String> env = environment(container);
        int contractPort = CONTRACT_PORTS.get(name);
        Integer http = namedPort(container, "http");
        String serverPort = config.effective("server.port", env, "8080").orElse("8080");
        expect("Deployment " + name + " containerPort http", http, serverPort);
        expect(name + " server.port (application.yml)", serverPort, contractPort);

        // Actuator answers on management.server.port when set, else on the service's own port.
        Integer management = config.effective("management.server.port", env, null).map(Integer::valueOf).orElse(http);
        if (!Objects.equals(management, http)) {
            expect("Deployment " + name + " containerPort management", namedPort(container, "management"), management);
        }
        expectProbe(name, container, "livenessProbe", LIVENESS, management);
        expectProbe(name, container, "startupProbe", LIVENESS, management);
        expectProbe(name, container, "readinessProbe", READINESS, management);
        expect(name + " management.endpoint.health.probes.enabled",
                config.raw("management.endpoint.health.probes.enabled").orElse("false"), "true");
        String exposed = config.raw("management.endpoints.web.exposure.include").orElse("");
        for (String endpoint : List.of("health", "prometheus")) {
            if (!List.of(exposed.split("\\s*,\\s*")).contains(endpoint)) {
                problem("%s does not expose /actuator/%s (management.endpoints.web.exposure.include)", name, endpoint);
            }
        }
        JsonNode annotations = deployment.get().at("/spec/template/metadata/annotations");
        expect("Deployment " + name + " prometheus.io/path", annotations.path("prometheus.io/path").asText(), PROMETHEUS);
        expect("Deployment " + name + " prometheus.io/port", annotations.path("prometheus.io/port").asText(), management);

        Optional<ObjectNode> service = manifests.find("Service", name);
        if (service.isEmpty()) {
            problem("no Service %s", name);
        } else {
            JsonNode port = service.get().at("/spec/ports/0");
            expect("Service " + name + " port", port.path("port").asInt(), contractPort);
            String target = port.path("targetPort").asText();
            Integer targetPort = target.matches("\\d+") ? Integer.valueOf(target) : namedPort(container, target);
            expect("Service " + name + " targetPort", targetPort, http);
            JsonNode selector = service.get().at("/spec/selector");
            JsonNode podLabels = deployment.get().at("/spec/template/metadata/labels");
            selector.fields().forEachRemaining(e -> expect("Service " + name + " selector " + e.getKey(),
                    podLabels.path(e.getKey()).asText(), e.getValue().asText()));
        }
        if (manifests.find("PodDisruptionBudget", name).isEmpty()) {
            problem("no PodDisruptionBudget %s", name);
        }
        // On sale day logs are searched by an order's trace: one JSON object per line, with its traceId.
        if (!"ecs".equals(env.get("LOGGING_STRUCTURED_FORMAT_CONSOLE"))) {
            problem("Deployment %s logs are not JSON: LOGGING_STRUCTURED_FORMAT_CONSOLE is %s, not ecs",
                    name, env.get("LOGGING_STRUCTURED_FORMAT_CONSOLE"));
        }
        for (JsonNode variable : container.path("env")) {
            String var = variable.path("name").asText();
            if (!readBy(config, var)) {
                problem("Deployment %s sets %s, which %s does not read", name, var, name);
            }
        }
    }

    private void expectProbe(String name, JsonNode container, String probe, String path, Integer http) {
        JsonNode get = container.path(probe).path("httpGet");
        if (get.isMissingNode()) {
            problem("Deployment %s has no %s", name, probe);
            return;
        }
        expect("Deployment " + name + " " + probe + " path", get.path("path").asText(), path);
        String port = get.path("port").asText();
        expect("Deployment " + name + " " + probe + " port", port.matches("\\d+") ? Integer.valueOf(port) : namedPort(container, port), http);
    }

    /** Whether an environment variable set on the service's container reaches a property it has. */
    private boolean readBy(ServiceConfig config, String var) {
        if (config.boundByFile(var) || var.startsWith("SPRING_") || var.startsWith("SERVER_") || var.equals("JAVA_TOOL_OPTIONS")) {
            return true;
        }
        for (String prefix : configurationPrefixes(config.service())) {
            if (var.startsWith(ServiceConfig.relaxedEnvName(prefix) + "_") || var.startsWith(ServiceConfig.legacyEnvName(prefix) + "_")) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> configurationPrefixes(String service) {
        Set<String> prefixes = new HashSet<>();
        Pattern annotation = Pattern.compile("@ConfigurationProperties\\(\\s*(?:prefix\\s*=\\s*)?\"([^\"]+)\"");
        for (String module : List.of(service, "contract")) {
            try (Stream<Path> files = Files.walk(RepositoryFiles.resolve(module).resolve("src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = annotation.matcher(Files.readString(file));
                    while (m.find()) {
                        prefixes.add(m.group(1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return prefixes;
    }

    private static JsonNode container(JsonNode deployment, String name) {
        for (JsonNode c : deployment.at("/spec/template/spec/containers")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return null;
    }

    private static Integer namedPort(JsonNode container, String name) {
        for (JsonNode port : container.path("ports")) {
            if (name.equals(port.path("name").asText())) {
                return port.path("containerPort").asInt();
            }
        }
        return null;
    }

    /** The container's environment: its ConfigMaps (envFrom), then its own entries; Secret values are unknown. */
    private Map<String, String> environment(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String configMap = from.path("configMapRef").path("name").asText("");
            if (!configMap.isEmpty()) {
                Optional<ObjectNode> map = manifests.find("ConfigMap", configMap);
                if (map.isEmpty()) {
                    problem("envFrom names ConfigMap %s, which is not in the manifests", configMap);
                } else {
                    map.get().path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
                }
            }
        }
        for (JsonNode variable : container.path("env")) {
            env.put(variable.path("name").asText(), variable.has("value") ? variable.path("value").asText() : SECRET);
            JsonNode secretRef = variable.at("/valueFrom/secretKeyRef");
            if (!secretRef.isMissingNode()) {
                secretSource(secretRef.path("name").asText(), secretRef.path("key").asText());
            }
        }
        return env;
    }

    /** A Secret a container reads must be in the manifests or be one an operator here writes. */
    private void secretSource(String name, String key) {
        boolean declared = manifests.find("Secret", name).isPresent();
        boolean kafkaUser = manifests.find("KafkaUser", name).isPresent() && List.of("password", "sasl.jaas.config").contains(key);
        boolean cnpg = manifests.ofKind("Cluster").stream()
                .anyMatch(c -> (c.at("/metadata/name").asText() + "-app").equals(name) && List.of("username", "password").contains(key));
        boolean operatorProvided = List.of("spillway-order-token", "spillway-admin-token", "spillway-payment-token", "spillway-admission-keys")
                .contains(name);
        boolean clusterCa = manifests.ofKind("Kafka").stream()
                .anyMatch(k -> (k.at("/metadata/name").asText() + "-cluster-ca-cert").equals(name) && "ca.crt".equals(key));
        if (!declared && !kafkaUser && !cnpg && !operatorProvided && !clusterCa) {
            problem("Secret %s (key %s) is neither in the manifests nor written by Strimzi or CloudNativePG", name, key);
        }
    }

    // --- Kafka clients -----------------------------------------------------------------------------

    private ObjectNode kafkaCluster() {
        List<ObjectNode> clusters = manifests.ofKind("Kafka");
        if (clusters.size() != 1) {
            throw new AssertionError(manifests.source() + ": expected one Kafka, found " + clusters.size());
        }
        return clusters.getFirst();
    }

    private JsonNode listener() {
        return kafkaCluster().at("/spec/kafka/listeners/0");
    }

    String expectedBootstrap() {
        ObjectNode kafka = kafkaCluster();
        return kafka.at("/metadata/name").asText() + "-kafka-bootstrap." + kafka.at("/metadata/namespace").asText() + ".svc:"
                + listener().path("port").asInt();
    }

    private void kafkaClients() {
        String bootstrap = expectedBootstrap();
        boolean scram = "scram-sha-512".equals(listener().at("/authentication/type").asText());
        boolean tls = listener().path("tls").asBoolean();
        for (String name : CONTRACT_PORTS.keySet()) {
            ServiceConfig config = configs.get(name);
            if (config.raw("spring.kafka.bootstrap-servers").isEmpty()) {
                continue;
            }
            manifests.find("Deployment", name).map(d -> container(d, name)).ifPresent(container -> {
                Map<String, String> env = environment(container);
                expect(name + " spring.kafka.bootstrap-servers", config.effective("spring.kafka.bootstrap-servers", env, null).orElse(null), bootstrap);
                if (scram) {
                    expect(name + " spring.kafka.security.protocol", env.get("SPRING_KAFKA_SECURITY_PROTOCOL"), tls ? "SASL_SSL" : "SASL_PLAINTEXT");
                    expect(name + " sasl.mechanism", env.get("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM"), "SCRAM-SHA-512");
                    JsonNode jaas = null;
                    for (JsonNode v : container.path("env")) {
                        if ("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG".equals(v.path("name").asText())) {
                            jaas = v.at("/valueFrom/secretKeyRef");
                        }
                    }
                    if (jaas == null || manifests.find("KafkaUser", jaas.path("name").asText()).isEmpty()) {
                        problem("%s has no SCRAM credentials from a KafkaUser's Secret (sasl.jaas.config)", name);
                    }
                }
                if (tls) {
                    trustsClusterCa(name, manifests.find("Deployment", name).orElseThrow(), container, env);
                }
                String requested = config.effective("spillway.topics.requested", env, Topics.DEFAULTS.requested()).orElseThrow();
                if (topicByName(requested).isEmpty()) {
                    problem("%s uses topic %s, which has no KafkaTopic", name, requested);
                }
            });
        }
        for (ObjectNode scaledObject : manifests.ofKind("ScaledObject")) {
            for (JsonNode trigger : scaledObject.at("/spec/triggers")) {
                if (!"kafka".equals(trigger.path("type").asText())) {
                    continue;
                }
                String id = Manifests.id(scaledObject) + " kafka trigger";
                expect(id + " bootstrapServers", trigger.at("/metadata/bootstrapServers").asText(), bootstrap);
                if (scram) {
                    expect(id + " sasl", trigger.at("/metadata/sasl").asText(), "scram_sha512");
                    expect(id + " tls", trigger.at("/metadata/tls").asText("disable"), tls ? "enable" : "disable");
                    String auth = trigger.at("/authenticationRef/name").asText();
                    Optional<ObjectNode> authentication = manifests.find("TriggerAuthentication", auth);
                    if (authentication.isEmpty()) {
                        problem("%s names TriggerAuthentication %s, which is not in the manifests", id, auth);
                    } else {
                        Set<String> parameters = new HashSet<>();
                        for (JsonNode ref : authentication.get().at("/spec/secretTargetRef")) {
                            parameters.add(ref.path("parameter").asText());
                            secretSource(ref.path("name").asText(), ref.path("key").asText());
                        }
                        if (!parameters.containsAll(List.of("username", "password"))) {
                            problem("TriggerAuthentication %s gives no username and password for SCRAM", auth);
                        }
                    }
                }
            }
        }
    }

    /** A TLS client trusts the brokers only with the cluster CA Strimzi writes, mounted where its truststore points. */
    private void trustsClusterCa(String name, JsonNode deployment, JsonNode container, Map<String, String> env) {
        expect(name + " ssl.truststore.type", env.get("SPRING_KAFKA_PROPERTIES_SSL_TRUSTSTORE_TYPE"), "PEM");
        String location = env.getOrDefault("SPRING_KAFKA_PROPERTIES_SSL_TRUSTSTORE_LOCATION", "");
        String caSecret = kafkaCluster().at("/metadata/name").asText() + "-cluster-ca-cert";
        boolean mounted = false;
        for (JsonNode mount : container.path("volumeMounts")) {
            String volume = mount.path("name").asText();
            for (JsonNode v : deployment.at("/spec/template/spec/volumes")) {
                if (volume.equals(v.path("name").asText()) && caSecret.equals(v.at("/secret/secretName").asText())
                        && location.equals(mount.path("mountPath").asText() + "/ca.crt")) {
                    mounted = true;
                }
            }
        }
        if (!mounted) {
            problem("%s's truststore %s is not the mounted ca.crt of Secret %s", name, location, caSecret);
        }
    }

    // --- database ----------------------------------------------------------------------------------

    private void database() {
        List<ObjectNode> clusters = manifests.ofKind("Cluster");
        if (clusters.size() != 1) {
            problem("expected one CloudNativePG Cluster, found %d", clusters.size());
            return;
        }
        ObjectNode cluster = clusters.getFirst();
        String expected = "jdbc:postgresql://" + cluster.at("/metadata/name").asText() + "-rw."
                + cluster.at("/metadata/namespace").asText() + ".svc:5432/" + cluster.at("/spec/bootstrap/initdb/database").asText();
        for (String name : CONTRACT_PORTS.keySet()) {
            ServiceConfig config = configs.get(name);
            if (config.raw("spring.datasource.url").isEmpty()) {
                continue;
            }
            manifests.find("Deployment", name).map(d -> container(d, name)).ifPresent(container -> {
                Map<String, String> env = environment(container);
                expect(name + " spring.datasource.url", config.effective("spring.datasource.url", env, null).orElse(null), expected);
                for (String variable : List.of("SPILLWAY_DB_USER", "SPILLWAY_DB_PASSWORD")) {
                    if (!SECRET.equals(env.get(variable))) {
                        problem("%s does not read %s from a Secret", name, variable);
                    }
                }
            });
        }
    }

    // --- durability (production) -------------------------------------------------------------------

    /**
     * Problems that would let some topic of this deployment get fewer than {@code replicas} replicas
     * or fewer than {@code inSync} in-sync replicas: the KafkaTopics, the broker defaults (for topics
     * created without settings, the consumer offsets and transactions), the brokers to place them on,
     * and every topic a service creates (spillway.topics.replication-factor and min-insync-replicas
     * as each Deployment's environment resolves them; unset, the code's default of 1 replica).
     */
    static List<String> durability(Manifests manifests, int replicas, int inSync) {
        ManifestConsistency check = new ManifestConsistency(manifests);
        check.durability(replicas, inSync);
        return List.copyOf(check.problems);
    }

    private void durability(int replicas, int inSync) {
        JsonNode config = kafkaCluster().at("/spec/kafka/config");
        for (String key : List.of("default.replication.factor", "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor")) {
            atLeast("Kafka " + key, config.path(key).asInt(1), replicas);
        }
        int brokerInSync = config.path("min.insync.replicas").asInt(1);
        atLeast("Kafka min.insync.replicas", brokerInSync, inSync);
        atLeast("Kafka transaction.state.log.min.isr", config.path("transaction.state.log.min.isr").asInt(1), inSync);
        int brokers = manifests.ofKind("KafkaNodePool").stream()
                .filter(p -> p.at("/spec/roles").toString().contains("broker"))
                .mapToInt(p -> p.at("/spec/replicas").asInt()).sum();
        atLeast("broker replicas (KafkaNodePools)", brokers, replicas);
        for (ObjectNode topic : manifests.ofKind("KafkaTopic")) {
            atLeast(Manifests.id(topic) + " replicas", topic.at("/spec/replicas").asInt(1), replicas);
            atLeast(Manifests.id(topic) + " min.insync.replicas", topic.at("/spec/config/min.insync.replicas").asInt(brokerInSync), inSync);
        }
        for (String name : CONTRACT_PORTS.keySet()) {
            ServiceConfig config1 = configs.get(name);
            if (config1.raw("spring.kafka.bootstrap-servers").isEmpty()) {
                continue;
            }
            manifests.find("Deployment", name).map(d -> container(d, name)).ifPresent(container -> {
                Map<String, String> env = environment(container);
                String factor = config1.effective("spillway.topics.replication-factor", env, "1").orElse("1");
                String minInSync = config1.effective("spillway.topics.min-insync-replicas", env, null).orElse(null);
                atLeast(name + "'s created topics' spillway.topics.replication-factor", Integer.parseInt(factor), replicas);
                atLeast(name + "'s created topics' spillway.topics.min-insync-replicas",
                        minInSync == null ? brokerInSync : Integer.parseInt(minInSync), inSync);
            });
        }
    }

    private void atLeast(String what, int actual, int least) {
        if (actual < least) {
            problem("%s is %d, fewer than %d", what, actual, least);
        }
    }

    // --- the processor's autoscaling ---------------------------------------------------------------

    /** A Deployment KEDA scales sets no replicas: each apply would reset what the autoscaler chose. */
    private void noReplicasAgainstKeda() {
        for (ObjectNode scaledObject : manifests.ofKind("ScaledObject")) {
            String target = scaledObject.at("/spec/scaleTargetRef/name").asText();
            manifests.find("Deployment", target).ifPresent(d -> {
                if (!d.at("/spec/replicas").isMissingNode()) {
                    problem("Deployment %s sets replicas; KEDA owns that number and each apply would reset it", target);
                }
            });
        }
    }

    /**
     * Ingest divides each deployment-wide limit by spillway.ingest.rate-limit.instances: that must be
     * the most pods KEDA runs (never looser than the limit), and a pre-warm window must hold ingest
     * there (exact while the sale opens).
     */
    private void ingestInstances() {
        Optional<ObjectNode> scaledObject = manifests.find("ScaledObject", "ingest-api");
        Optional<ObjectNode> deployment = manifests.find("Deployment", "ingest-api");
        if (scaledObject.isEmpty() || deployment.isEmpty()) {
            return;
        }
        int max = scaledObject.get().at("/spec/maxReplicaCount").asInt(100);
        String instances = configs.get("ingest-api").effective("spillway.ingest.rate-limit.instances",
                environment(container(deployment.get(), "ingest-api")), "1").orElse("1");
        if (!instances.equals(String.valueOf(max))) {
            problem("ingest-api divides its rate limits by %s instances (SPILLWAY_INGEST_INSTANCES), but KEDA runs up to %d "
                    + "(ScaledObject ingest-api maxReplicaCount)", instances, max);
        }
        for (JsonNode trigger : scaledObject.get().at("/spec/triggers")) {
            if ("cron".equals(trigger.path("type").asText())) {
                expect("ScaledObject ingest-api cron desiredReplicas", trigger.at("/metadata/desiredReplicas").asText(), max);
            }
        }
    }

    private void processorScaling() {
        Optional<ObjectNode> found = manifests.find("ScaledObject", "order-processor");
        if (found.isEmpty()) {
            problem("no ScaledObject order-processor");
            return;
        }
        ObjectNode scaledObject = found.get();
        JsonNode spec = scaledObject.path("spec");
        String target = spec.at("/scaleTargetRef/name").asText();
        if (manifests.find("Deployment", target).isEmpty()) {
            problem("ScaledObject order-processor scales %s, which is not a Deployment here", target);
        }
        ServiceConfig processor = configs.get("order-processor");
        ServiceConfig notifier = configs.get("notifier");
        Map<String, String> processorEnv = manifests.find("Deployment", "order-processor")
                .map(d -> environment(container(d, "order-processor"))).orElse(Map.of());
        Map<String, String> notifierEnv = manifests.find("Deployment", "notifier")
                .map(d -> environment(container(d, "notifier"))).orElse(Map.of());
        String group = processor.effective("spring.kafka.consumer.group-id", processorEnv, null).orElse(null);
        String topic = processor.effective("spillway.topics.requested", processorEnv, Topics.DEFAULTS.requested()).orElseThrow();
        String notifierReads = notifier.effective("spillway.notifier.processor-group", notifierEnv, "order-processor").orElseThrow();
        expect("notifier spillway.notifier.processor-group", notifierReads, group);

        JsonNode kafka = null;
        JsonNode cron = null;
        for (JsonNode trigger : spec.path("triggers")) {
            if ("kafka".equals(trigger.path("type").asText())) {
                kafka = trigger.path("metadata");
            } else if ("cron".equals(trigger.path("type").asText())) {
                cron = trigger.path("metadata");
            }
        }
        if (kafka == null) {
            problem("ScaledObject order-processor has no kafka trigger");
            return;
        }
        expect("ScaledObject order-processor consumerGroup", kafka.path("consumerGroup").asText(), group);
        expect("ScaledObject order-processor topic", kafka.path("topic").asText(), topic);
        int partitions = topicByName(topic).map(t -> t.at("/spec/partitions").asInt()).orElse(0);
        if (spec.path("maxReplicaCount").asInt() > partitions) {
            problem("ScaledObject order-processor maxReplicaCount %d is above the %d partitions of %s",
                    spec.path("maxReplicaCount").asInt(), partitions, topic);
        }
        expect("ScaledObject order-processor lagThreshold", kafka.path("lagThreshold").asText(), SpillwayScaling.LAG_THRESHOLD);
        expect("ScaledObject order-processor activationLagThreshold", kafka.path("activationLagThreshold").asText(),
                SpillwayScaling.ACTIVATION_LAG_THRESHOLD);
        expect("ScaledObject order-processor limitToPartitionsWithLag", kafka.path("limitToPartitionsWithLag").asText(), "true");
        expect("ScaledObject order-processor offsetResetPolicy", kafka.path("offsetResetPolicy").asText(),
                processor.raw("spring.kafka.consumer.auto-offset-reset").orElse("latest"));
        expect("ScaledObject order-processor minReplicaCount", spec.path("minReplicaCount").asInt(), SpillwayScaling.MIN_REPLICAS);
        expect("ScaledObject order-processor maxReplicaCount", spec.path("maxReplicaCount").asInt(), SpillwayScaling.MAX_REPLICAS);
        expect("ScaledObject order-processor pollingInterval", spec.path("pollingInterval").asInt(), SpillwayScaling.POLLING_SECONDS);
        expect("ScaledObject order-processor cooldownPeriod", spec.path("cooldownPeriod").asInt(), SpillwayScaling.COOLDOWN_SECONDS);
        // The pre-warm window exists only where infra/k8s/prewarm.sh rendered one for a sale.
        if (cron != null) {
            expect("ScaledObject order-processor cron desiredReplicas", cron.path("desiredReplicas").asText(),
                    SpillwayScaling.PREWARM_REPLICAS);
        }
        JsonNode behavior = spec.at("/advanced/horizontalPodAutoscalerConfig/behavior");
        HorizontalPodAutoscaler.Behavior simulated = SpillwayScaling.behavior();
        expectRules("scaleUp", behavior.path("scaleUp"), simulated.scaleUp());
        expectRules("scaleDown", behavior.path("scaleDown"), simulated.scaleDown());
    }

    private void expectRules(String direction, JsonNode rules, HorizontalPodAutoscaler.Rules simulated) {
        String id = "ScaledObject order-processor behavior." + direction;
        expect(id + ".stabilizationWindowSeconds", rules.path("stabilizationWindowSeconds").asInt(), simulated.stabilizationWindowSeconds());
        String select = simulated.select().name().charAt(0) + simulated.select().name().substring(1).toLowerCase(java.util.Locale.ROOT);
        expect(id + ".selectPolicy", rules.path("selectPolicy").asText(), select);
        List<String> declared = new ArrayList<>();
        for (JsonNode p : rules.path("policies")) {
            declared.add(p.path("type").asText() + " " + p.path("value").asInt() + "/" + p.path("periodSeconds").asInt());
        }
        List<String> expected = simulated.policies().stream().map(p -> (p.type() == HorizontalPodAutoscaler.PolicyType.PODS ? "Pods" : "Percent")
                + " " + p.value() + "/" + p.periodSeconds()).toList();
        expect(id + ".policies", declared, expected);
    }
}
