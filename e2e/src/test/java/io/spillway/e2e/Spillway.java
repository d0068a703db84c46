package io.spillway.e2e;

import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionKeys;
import io.spillway.ingest.IngestApplication;
import io.spillway.inventory.InventoryApplication;
import io.spillway.notifier.NotifierApplication;
import io.spillway.processor.ProcessorApplication;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.SharedInfrastructure.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * The four services of Spillway started in this JVM, each in its own Spring context on its own
 * port, against the shared real broker and PostgreSQL, with a database and topics of their own.
 * The processor can be stopped and started again while the others keep running, and so can the
 * notifier, on the same port. As {@code ./spillway up} does, the notifier's buyers' page is pointed at
 * ingest-api and inventory-service, which allow its origin by CORS, and has its demo payment button;
 * and the admission keys are handed out as there: the processor gets the private set (it signs), the
 * door and inventory-service the public parts (they verify a leave, serve the JWKS), the notifier none.
 */
final class Spillway implements AutoCloseable {

    static final String ADMIN_TOKEN = "e2e-admin-token-" + UUID.randomUUID();
    static final String PAYMENT_TOKEN = "e2e-payment-token-" + UUID.randomUUID();
    private static final String ORDER_TOKEN_SECRET = "e2e-order-token-secret-" + UUID.randomUUID();
    /** The admission tokens' JWK set with its private key, and its public parts: {@code kid} admission-1. */
    private static final String ADMISSION_KEYS = AdmissionKeys.generate("admission-1");
    private static final String ADMISSION_PUBLIC_KEYS = AdmissionKeys.parse(ADMISSION_KEYS, "admission-1").publicJwks();
    /** Spring Boot auto-configurations of the database, which the Kafka-only services must not start. */
    private static final String NO_DATABASE = String.join(",",
            "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
            "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration",
            "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
            "org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration");

    /**
     * Spring Security's auto-configurations: on this shared classpath because inventory-service signs
     * admins in with it; the other services ship without it, so they must not get its defaults here.
     */
    private static final String NO_SECURITY = String.join(",",
            "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
            "org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration",
            "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration",
            // The notifier is reactive.
            "org.springframework.boot.autoconfigure.security.reactive.ReactiveSecurityAutoConfiguration",
            "org.springframework.boot.autoconfigure.security.reactive.ReactiveUserDetailsServiceAutoConfiguration",
            "org.springframework.boot.autoconfigure.security.oauth2.resource.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.security.reactive.ReactiveManagementWebSecurityAutoConfiguration");

    private final TestDatabase database = SharedInfrastructure.newDatabase();
    private final Topics topics = SharedInfrastructure.uniqueTopics();
    private final String processorGroup = "order-processor-" + UUID.randomUUID();
    private final Path notifierState;
    private final String notifierApplicationId = "notifier-" + UUID.randomUUID();
    /** Chosen before anything starts: ingest and inventory allow its origin, and a restart keeps it. */
    private final int notifierPort = freePort();
    private final ConfigurableApplicationContext inventory;
    private final ConfigurableApplicationContext ingest;
    private ConfigurableApplicationContext notifier;
    private ConfigurableApplicationContext processor;

    Spillway() throws Exception {
        notifierState = Files.createTempDirectory("spillway-e2e-notifier");
        inventory = start(InventoryApplication.class, withDatabase(Map.of(
                "spring.application.name", "inventory-service",
                "spillway.inventory.admin-token", ADMIN_TOKEN,
                // The console's summary reads this processor group's lag.
                "spillway.inventory.live.processor-group", processorGroup,
                "spillway.cors.allowed-origins", notifierUrl(),
                "spillway.admission.keys", ADMISSION_PUBLIC_KEYS)));
        processor = startProcessor();
        ingest = start(IngestApplication.class, Map.of(
                "spring.application.name", "ingest-api",
                "spring.autoconfigure.exclude", NO_DATABASE + "," + NO_SECURITY,
                "spillway.ingest.payment.tokens", PAYMENT_TOKEN,
                "spillway.cors.allowed-origins", notifierUrl(),
                "spillway.admission.keys", ADMISSION_PUBLIC_KEYS));
        startNotifier();
    }

    /** Starts the notifier (again), with the same port, application id and state directory. */
    void startNotifier() {
        notifier = start(NotifierApplication.class, Map.of(
                "spring.application.name", "notifier",
                "spring.autoconfigure.exclude", NO_DATABASE + "," + NO_SECURITY,
                "server.port", String.valueOf(notifierPort),
                "spillway.notifier.application-id", notifierApplicationId,
                "spillway.notifier.state-dir", notifierState.toString(),
                "spillway.notifier.processor-group", processorGroup,
                "spillway.notifier.page.ingest-url", ingestUrl(),
                "spillway.notifier.page.inventory-url", inventoryUrl(),
                "spillway.notifier.demo-payment.ingest-url", ingestUrl(),
                "spillway.notifier.demo-payment.token", PAYMENT_TOKEN));
    }

    /** Closes the notifier's context: its event streams end and its port refuses connections. */
    void stopNotifier() {
        notifier.close();
        notifier = null;
    }

    void restartNotifier() {
        stopNotifier();
        startNotifier();
    }

    private ConfigurableApplicationContext startProcessor() {
        return start(ProcessorApplication.class, withDatabase(Map.of(
                "spring.application.name", "order-processor",
                "spring.autoconfigure.exclude", NO_SECURITY,
                "spring.kafka.consumer.group-id", processorGroup,
                "spillway.admission.keys", ADMISSION_KEYS)));
    }

    /** Closes the processor's context (its consumer leaves the group) and starts a new one. */
    void restartProcessor() {
        processor.close();
        processor = startProcessor();
    }

    /**
     * Stops every listener of the processor (its orders' lines and its command intake) without
     * leaving the group's partitions to anyone else: nothing is decided, paid or expired until
     * {@link #resumeProcessor}.
     */
    void pauseProcessor() {
        processor.getBean(KafkaListenerEndpointRegistry.class).stop();
    }

    void resumeProcessor() {
        processor.getBean(KafkaListenerEndpointRegistry.class).start();
    }

    String ingestUrl() {
        return url(ingest);
    }

    String notifierUrl() {
        return "http://127.0.0.1:" + notifierPort;
    }

    String inventoryUrl() {
        return url(inventory);
    }

    Topics topics() {
        return topics;
    }

    /** Every service's base URL by its {@code spring.application.name}. */
    Map<String, String> serviceUrls() {
        return Map.of("inventory-service", url(inventory), "order-processor", url(processor),
                "ingest-api", url(ingest), "notifier", notifierUrl());
    }

    TestDatabase database() {
        return database;
    }

    private Map<String, Object> withDatabase(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put("spring.datasource.url", database.jdbcUrl());
        all.put("spring.datasource.username", database.username());
        all.put("spring.datasource.password", database.password());
        return all;
    }

    private ConfigurableApplicationContext start(Class<?> application, Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.putIfAbsent("server.port", "0");
        all.put("spring.kafka.bootstrap-servers", SharedInfrastructure.kafkaBootstrapServers());
        all.put("spillway.topics.requested", topics.requested());
        all.put("spillway.topics.results", topics.results());
        all.put("spillway.topics.dlq", topics.dlq());
        all.put("spillway.topics.sales", topics.sales());
        all.put("spillway.topics.availability", topics.availability());
        all.put("spillway.topics.commands", topics.commands());
        all.put("spillway.topics.holds", topics.holds());
        all.put("spillway.order-token.secret", ORDER_TOKEN_SECRET);
        // Four services in one JVM: keep their JMX names and metrics apart.
        all.put("spring.jmx.enabled", "false");
        // Each service jar has an application.yml and the classpath shows only the first one found:
        // point every service at its own.
        all.put("spring.config.location", ownConfiguration(application));
        // As arguments, not default properties: those would lose to the services' application.yml.
        String[] arguments = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(application).run(arguments);
    }

    private static String ownConfiguration(Class<?> application) {
        String location = application.getProtectionDomain().getCodeSource().getLocation().toString();
        return location.endsWith(".jar") ? "jar:" + location + "!/application.yml" : location + "application.yml";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String url(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Override
    public void close() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {notifier, ingest, processor, inventory}) {
            if (context != null) {
                context.close();
            }
        }
    }
}
