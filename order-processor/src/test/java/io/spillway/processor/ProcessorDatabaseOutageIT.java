package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.localstack.Ports;
import io.spillway.localstack.PostgresServer;
import io.spillway.testing.SharedInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PostgreSQL stopped and started again under load: consumption pauses, nothing is rejected. */
class ProcessorDatabaseOutageIT extends ProcessesUnderFaults {

    @Test
    void postgresStoppedAndStartedUnderLoadPausesConsumptionAndRejectsNothing() throws Exception {
        Path directory = Files.createTempDirectory("processor-fault-postgres");
        int pgPort = Ports.free();
        PostgresServer[] postgres = {PostgresServer.start(directory, pgPort)};
        closeables.add(() -> postgres[0].close());
        postgres[0].ensureDatabase("faults", "faults", "faults");
        SharedInfrastructure.TestDatabase database =
                new SharedInfrastructure.TestDatabase(postgres[0].jdbcUrl("faults"), "faults", "faults");
        // Stock for every order, no seats to compete for, a limit no buyer reaches: any rejection would
        // be the outage's.
        Scenario scenario = scenario(database, "outage", 1_000_000, 1_000_000, false);

        ProcessorProcess processor = start(scenario, "outage", Map.of());
        scenario.load.startSteady(300);
        await().atMost(PATIENCE).until(() -> scenario.decidedInDatabase() > 200);

        postgres[0].close();
        await().atMost(PATIENCE).until(() -> processor.metric("spillway_processor_paused") == 1.0);
        assertThat(processor.metric("spillway_processor_pauses_total")).isPositive();
        assertThat(processor.metric("resilience4j_circuitbreaker_state{application=\"order-processor\",name=\"processor-database\",state=\"closed\"}"))
                .isZero();
        int decidedWhileDown = scenario.results.decidedCount(scenario.load.sent());
        // Orders keep arriving and wait in Kafka; nothing is answered while the database is away.
        await().atMost(PATIENCE).until(() -> processor.metric("spillway_processor_lag_records") > 0);
        assertThat(scenario.results.decidedCount(scenario.load.sent())).isEqualTo(decidedWhileDown);
        assertThat(processor.alive()).isTrue();

        postgres[0] = PostgresServer.start(directory, pgPort);
        await().atMost(PATIENCE).until(() -> processor.metric("spillway_processor_paused") == 0.0);
        scenario.load.stopSteady();

        scenario.awaitAllDecidedAndCheck();
        assertThat(scenario.rejectionsByReason()).isEmpty();
    }
}
