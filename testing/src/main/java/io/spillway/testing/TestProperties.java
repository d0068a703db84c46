package io.spillway.testing;

import io.spillway.contract.Topics;
import io.spillway.testing.SharedInfrastructure.TestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The Spring properties that point a service under test at the run's shared broker and database. */
public final class TestProperties {

    private TestProperties() {}

    /** The shared broker, and the test's own names for every topic of the catalogue. */
    public static void kafka(DynamicPropertyRegistry registry, Topics topics) {
        registry.add("spring.kafka.bootstrap-servers", SharedInfrastructure::kafkaBootstrapServers);
        registry.add("spillway.topics.requested", topics::requested);
        registry.add("spillway.topics.results", topics::results);
        registry.add("spillway.topics.dlq", topics::dlq);
        registry.add("spillway.topics.sales", topics::sales);
        registry.add("spillway.topics.availability", topics::availability);
        registry.add("spillway.topics.seats", topics::seats);
        registry.add("spillway.topics.commands", topics::commands);
        registry.add("spillway.topics.holds", topics::holds);
    }

    /** A database of the shared PostgreSQL. */
    public static void database(DynamicPropertyRegistry registry, TestDatabase database) {
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", database::username);
        registry.add("spring.datasource.password", database::password);
    }
}
