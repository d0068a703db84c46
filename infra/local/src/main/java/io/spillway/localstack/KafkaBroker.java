package io.spillway.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real, single-node Apache Kafka broker in KRaft mode (combined broker and controller), run from
 * the Maven Central jars: the same server code as a production broker, with replication factors of
 * one. Used in-JVM by the tests and as its own process by {@code ./spillway}.
 *
 * <p>The storage directory is formatted once and kept, so a restarted broker has its topics and
 * committed offsets back.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String CLUSTER_ID_FILE = "spillway-cluster-id";

    private final KafkaRaftServer server;
    private final int port;

    private KafkaBroker(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts a broker on {@code port} (0: any free port) keeping its data in {@code directory}. */
    public static KafkaBroker start(Path directory, int port, int controllerPort) throws Exception {
        int brokerPort = port == 0 ? Ports.free() : port;
        int quorumPort = controllerPort == 0 ? Ports.free() : controllerPort;
        Path logDir = directory.resolve("data");
        Files.createDirectories(logDir);
        Properties properties = new Properties();
        properties.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + quorumPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + quorumPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                Map.entry("num.partitions", "1"),
                // Topics are declared by the services (and by Strimzi in production), never by accident.
                Map.entry("auto.create.topics.enable", "false"),
                // One node: every internal topic has one replica, and a consumer group forms at once.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "10"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("log.segment.bytes", String.valueOf(64 * 1024 * 1024))));
        KafkaConfig config = KafkaConfig.fromProps(properties, false);
        format(directory, logDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        return new KafkaBroker(server, brokerPort);
    }

    private static void format(Path directory, Path logDir) throws Exception {
        Path idFile = directory.resolve(CLUSTER_ID_FILE);
        String clusterId;
        if (Files.exists(idFile)) {
            clusterId = Files.readString(idFile).trim();
        } else {
            clusterId = Uuid.randomUuid().toString();
            Files.writeString(idFile, clusterId);
        }
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(clusterId)
                .addDirectory(logDir.toString())
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName("CONTROLLER")
                .setIgnoreFormatted(true)
                .run();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    /** {@code KafkaBroker --dir DIR [--port 9092] [--controller-port 9093]}: runs until SIGTERM. */
    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(args);
        Path directory = Path.of(arguments.require("dir"));
        int port = arguments.intOr("port", 9092);
        int controllerPort = arguments.intOr("controller-port", 9093);
        KafkaBroker broker = start(directory, port, controllerPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kafka-broker-shutdown"));
        System.out.println("kafka broker ready on " + broker.bootstrapServers());
        stopped.await();
    }
}
