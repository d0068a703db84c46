package io.spillway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.kafkabroker.BrokerDistribution;
import io.spillway.localstack.KafkaBroker;
import io.spillway.localstack.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's broker, as the services' own kafka-clients (Spring Boot's version) see it. */
class LocalBrokerIT {

    @TempDir
    Path directory;

    @Test
    void theServicesClientsWorkWithTheProductionVersionBrokerAcrossARestart() throws Exception {
        int port = Ports.free();
        int controllerPort = Ports.free();
        Set<String> topics;
        try (KafkaBroker broker = KafkaBroker.start(directory, port, controllerPort);
                Admin admin = admin(broker)) {
            admin.createTopics(List.of(new NewTopic("probe", 3, (short) 1))).all().get();
        }
        try (KafkaBroker broker = KafkaBroker.start(directory, port, controllerPort);
                Admin admin = admin(broker)) {
            topics = admin.listTopics().names().get();
        }

        assertThat(topics).contains("probe");
        assertThat(Files.readString(directory.resolve("kafka.log")))
                .contains("Kafka version: " + BrokerDistribution.kafkaVersion());
        // Different majors, as Kafka's compatibility policy allows: the broker's clients are not these.
        assertThat(AppInfoParser.getVersion()).isNotEqualTo(BrokerDistribution.kafkaVersion());
    }

    @Test
    void aLauncherKilledOutrightTakesItsBrokerWithIt() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process launcher = new ProcessBuilder(
                        java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                        KafkaBroker.class.getName(), "--dir", directory.toString(),
                        "--port", String.valueOf(Ports.free()), "--controller-port", String.valueOf(Ports.free()),
                        "--heap", "256m")
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("launcher.log").toFile())
                .start();
        try {
            // The launcher writes the pid file, then says ready: wait for both, so that it is killed
            // with its broker up, not in between.
            Path pidFile = directory.resolve("broker.pid");
            Path log = directory.resolve("launcher.log");
            await().atMost(Duration.ofMinutes(3)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank()
                    && Files.readString(log).contains("kafka broker ready on"));
            ProcessHandle broker = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
            assertThat(broker.isAlive()).isTrue();

            launcher.destroyForcibly().waitFor();

            await().atMost(Duration.ofMinutes(1)).until(() -> !broker.isAlive());
        } finally {
            launcher.destroyForcibly();
        }
    }

    private static Admin admin(KafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }
}
