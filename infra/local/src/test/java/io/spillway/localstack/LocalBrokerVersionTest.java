package io.spillway.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.kafkabroker.BrokerDistribution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LocalBrokerVersionTest {

    // spec.kafka.version and spec.kafka.metadataVersion of the Strimzi Kafka resource.
    private static final Pattern KAFKA_VERSION =
            Pattern.compile("(?m)^spec:\\s*\\n\\s+kafka:\\s*\\n\\s+version:\\s*([0-9.]+)\\s*\\n\\s+metadataVersion:\\s*(\\S+)");

    @Test
    void theLocalBrokerRunsTheKafkaVersionOfTheProductionManifests() throws Exception {
        String manifest = Files.readString(Path.of("..", "k8s", "base", "kafka.yaml"));
        Matcher production = KAFKA_VERSION.matcher(manifest);
        assertThat(production.find()).as("spec.kafka.version in infra/k8s/base/kafka.yaml").isTrue();

        assertThat(BrokerDistribution.kafkaVersion()).isEqualTo(production.group(1));
        // The storage is formatted at the release's default metadata version, the one production pins.
        assertThat(production.group(2)).startsWith(majorMinor(production.group(1)) + "-IV");
    }

    @Test
    void theBrokersJarsStayOffTheLaunchersClasspath() {
        assertThat(BrokerDistribution.classpath()).contains("kafka_2.13-" + BrokerDistribution.kafkaVersion() + ".jar");
        assertThatThrownBy(() -> Class.forName("kafka.Kafka")).isInstanceOf(ClassNotFoundException.class);
        // The launcher may have the services' clients (the demo and the admission keys tool use the
        // contract), never the broker's jars: those run only in the broker's own JVM.
        for (String brokerClass : new String[] {
                "org.apache.kafka.server.common.MetadataVersion", "org.apache.kafka.raft.RaftClient"}) {
            assertThatThrownBy(() -> Class.forName(brokerClass)).isInstanceOf(ClassNotFoundException.class);
        }
    }

    private static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts[0] + "." + parts[1];
    }
}
