package io.spillway.testing;

import io.spillway.kafkabroker.BrokerDistribution;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The run's broker and database as Testcontainers, where a Docker engine answers: {@code
 * apache/kafka} at the version of the production manifests (the embedded broker's version, one
 * source: {@link BrokerDistribution}) and PostgreSQL 17, the embedded server's major version, set
 * up as the embedded pair is (one broker, no automatic topics; superuser {@code postgres} trusted,
 * 300 connections). Started once per JVM; Testcontainers removes them when the JVM exits.
 *
 * <p>Limits: not exercised on machines without Docker (this project's CI); {@link
 * InfrastructureChoice} and its tests are what is checked there.
 */
final class Containers {

    static final String POSTGRES_IMAGE = "postgres:17";

    private Containers() {}

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static String kafkaImage() {
        return "apache/kafka:" + BrokerDistribution.kafkaVersion();
    }

    @SuppressWarnings("resource") // stopped by Testcontainers when the JVM exits
    static String startKafka() {
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(kafkaImage()))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "10")
                .withEnv("KAFKA_MIN_INSYNC_REPLICAS", "1")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        kafka.start();
        return kafka.getBootstrapServers().replaceFirst("^PLAINTEXT://", "");
    }

    @SuppressWarnings("resource") // stopped by Testcontainers when the JVM exits
    static String startPostgres() {
        PostgreSQLContainer<?> postgres = new PostgreSQLContainer<>(DockerImageName.parse(POSTGRES_IMAGE))
                .withUsername("postgres")
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                .withCommand("postgres", "-c", "max_connections=300");
        postgres.start();
        return postgres.getHost() + ":" + postgres.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
    }
}
