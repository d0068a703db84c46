package io.spillway.localstack;

import io.spillway.kafkabroker.BrokerDistribution;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real, single-node Apache Kafka broker in KRaft mode (combined broker and controller), at the
 * version of the production manifests, started the way Kafka's own scripts start it: this launcher
 * writes {@code server.properties} and {@code log4j2.properties} into the broker's directory, then
 * runs a JVM of its own that formats the storage as {@code kafka-storage.sh format} does and starts
 * {@code kafka.Kafka} as {@code kafka-server-start.sh} does ({@code
 * io.spillway.kafkabroker.BrokerMain}). Used by {@code ./spillway}, by the tests and by the
 * benchmarks.
 *
 * <p>A process of its own because the broker's jars (Kafka 4, with its kafka-clients 4) must never
 * share a classpath with a service's kafka-clients, the one Spring Boot manages; and because it is
 * how a broker runs in production.
 *
 * <p>The storage directory is formatted once and kept, so a restarted broker has its topics and
 * committed offsets back. The broker stops on {@link #close()}, when this JVM exits, and, through its
 * standard input, when this JVM dies.
 *
 * <p>Limits: the broker's output is read for Kafka's "Kafka Server started" line; a log
 * configuration that hid it would make {@link #start} wait until its timeout.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String CLUSTER_ID_FILE = "spillway-cluster-id";
    private static final String STARTED = "Kafka Server started";
    private static final long START_TIMEOUT_SECONDS = 180;
    private static final long STOP_TIMEOUT_SECONDS = 25;
    private static final String DEFAULT_HEAP = "512m";

    private final Process process;
    private final int port;
    private final Thread copier;

    private KafkaBroker(Process process, int port, Thread copier) {
        this.process = process;
        this.port = port;
        this.copier = copier;
    }

    /**
     * Starts a broker on {@code port} (0: any free port) keeping its data in {@code directory}; its
     * output is appended to {@code directory/kafka.log}, across restarts.
     */
    public static KafkaBroker start(Path directory, int port, int controllerPort) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        PrintStream log = new PrintStream(
                Files.newOutputStream(directory.resolve("kafka.log"), StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true,
                StandardCharsets.UTF_8);
        return start(directory, port, controllerPort, DEFAULT_HEAP, log);
    }

    /** As {@link #start(Path, int, int)}, with the broker's heap ({@code -Xmx}) and output given. */
    public static KafkaBroker start(Path directory, int port, int controllerPort, String heap, PrintStream output)
            throws IOException, InterruptedException {
        int brokerPort = port == 0 ? Ports.free() : port;
        int quorumPort = controllerPort == 0 ? Ports.free() : controllerPort;
        Files.createDirectories(directory);
        Path config = directory.resolve("server.properties");
        Files.writeString(config, serverProperties(directory.resolve("data"), brokerPort, quorumPort));
        Path logConfig = directory.resolve("log4j2.properties");
        Files.writeString(logConfig, LOG_CONFIG);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(
                java.toString(),
                "-Xms" + heap, "-Xmx" + heap,
                // kafka-run-class.sh's KAFKA_JVM_PERFORMANCE_OPTS.
                "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
                "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + logConfig,
                "-cp", BrokerDistribution.classpath(),
                BrokerDistribution.mainClass(),
                "--cluster-id", clusterId(directory),
                "--config", config.toString());
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .start();
        CountDownLatch started = new CountDownLatch(1);
        Thread copier = new Thread(() -> copy(process, output, started), "kafka-broker-output");
        copier.setDaemon(true);
        copier.start();
        KafkaBroker broker = new KafkaBroker(process, brokerPort, copier);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (!started.await(200, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker in " + directory + " exited with "
                        + process.exitValue() + " while starting (its output: kafka.log there, or the launcher's)");
            }
            if (System.nanoTime() > deadline) {
                broker.close();
                throw new IllegalStateException("the Kafka broker did not start within " + START_TIMEOUT_SECONDS + " s");
            }
        }
        return broker;
    }

    private static String serverProperties(Path logDir, int brokerPort, int quorumPort) {
        return String.join("\n",
                "# Written by io.spillway.localstack.KafkaBroker at every start.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + quorumPort,
                "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + quorumPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logDir,
                "num.partitions=1",
                "# Topics are declared by the services (and by Strimzi in production), never by accident.",
                "auto.create.topics.enable=false",
                "# One node: every internal topic has one replica, and a consumer group forms at once.",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "min.insync.replicas=1",
                "group.initial.rebalance.delay.ms=0",
                "log.segment.bytes=" + 64 * 1024 * 1024,
                "");
    }

    // Warnings and worse, plus the server's start and stop and Kafka's version line.
    private static final String LOG_CONFIG = String.join("\n",
            "# Written by io.spillway.localstack.KafkaBroker at every start.",
            "appender.console.type=Console",
            "appender.console.name=console",
            "appender.console.target=SYSTEM_OUT",
            "appender.console.layout.type=PatternLayout",
            "appender.console.layout.pattern=%d{ISO8601} %-5level [%c{1}] %msg%n",
            "rootLogger.level=WARN",
            "rootLogger.appenderRef.console.ref=console",
            "logger.server.name=kafka.server.KafkaRaftServer",
            "logger.server.level=INFO",
            "logger.version.name=org.apache.kafka.common.utils.AppInfoParser",
            "logger.version.level=INFO",
            "");

    /**
     * A new cluster id: 16 random bytes in URL-safe base64, as Kafka's {@code Uuid.randomUuid()} makes
     * them, and, like it, never starting with '-': kafka-storage's argument parser would take such an
     * id (one in 64) for an option and refuse to format.
     */
    static String newClusterId() {
        String clusterId;
        do {
            UUID uuid = UUID.randomUUID();
            byte[] bytes = ByteBuffer.allocate(16)
                    .putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits())
                    .array();
            clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (clusterId.startsWith("-"));
        return clusterId;
    }

    private static String clusterId(Path directory) throws IOException {
        Path idFile = directory.resolve(CLUSTER_ID_FILE);
        if (Files.exists(idFile)) {
            String kept = Files.readString(idFile).trim();
            // One starting with '-' was never formatted (see newClusterId): replace it.
            if (!kept.startsWith("-")) {
                return kept;
            }
        }
        String clusterId = newClusterId();
        Files.writeString(idFile, clusterId);
        return clusterId;
    }

    private static void copy(Process process, PrintStream output, CountDownLatch started) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.println(line);
                if (line.contains(STARTED)) {
                    started.countDown();
                }
            }
        } catch (IOException closed) {
            // The broker is gone; start() or close() notices.
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The broker's own process id (not this launcher's), for measuring its CPU. */
    public long pid() {
        return process.pid();
    }

    /** SIGTERM, which Kafka answers with a controlled shutdown; SIGKILL if it has not ended in time. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            // The broker's last lines (its shutdown, or why it failed) before this JVM may exit.
            copier.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code KafkaBroker --dir DIR [--port 9092] [--controller-port 9093] [--heap 512m]}: runs until
     * SIGTERM or until the broker stops; the broker's output on standard output, then "kafka broker ready on …" and its process
     * id in {@code DIR/broker.pid}.
     */
    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(args);
        Path directory = Path.of(arguments.require("dir"));
        int port = arguments.intOr("port", 9092);
        int controllerPort = arguments.intOr("controller-port", 9093);
        String heap = arguments.values().getOrDefault("heap", DEFAULT_HEAP);
        KafkaBroker broker = start(directory, port, controllerPort, heap, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
        Files.writeString(directory.resolve("broker.pid"), broker.pid() + "\n");
        System.out.println("kafka broker ready on " + broker.bootstrapServers()
                + " (Apache Kafka " + BrokerDistribution.kafkaVersion() + ", pid " + broker.pid() + ")");
        // A broker that stops on its own takes the launcher with it, so that ./spillway sees it stopped.
        System.exit(broker.process.waitFor());
    }
}
