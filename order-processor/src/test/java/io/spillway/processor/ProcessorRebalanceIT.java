package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.testing.SharedInfrastructure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Instances joining and leaving the group under load, one of them killed: every guarantee holds.
 */
class ProcessorRebalanceIT extends ProcessesUnderFaults {

    @Test
    void twoAndThreeInstancesJoiningAndLeavingUnderLoadKeepEveryGuarantee() throws Exception {
        Scenario scenario = scenario(SharedInfrastructure.newDatabase(), "group", 4, 1_500, true);
        ProcessorProcess a = start(scenario, "group-a", Map.of());
        scenario.load.startSteady(400);
        await().atMost(PATIENCE).until(() -> scenario.decidedInDatabase() > 100);

        ProcessorProcess b = start(scenario, "group-b", Map.of());
        scenario.awaitMembers(2);
        ProcessorProcess c = start(scenario, "group-c", Map.of());
        scenario.awaitMembers(3);
        int beforeLeaving = scenario.decidedInDatabase();
        await().atMost(PATIENCE).until(() -> scenario.decidedInDatabase() > beforeLeaving + 200);

        a.stop();
        scenario.awaitMembers(2);
        int beforeKill = scenario.decidedInDatabase();
        await().atMost(PATIENCE).until(() -> scenario.decidedInDatabase() > beforeKill + 200);
        b.kill();
        scenario.awaitMembers(1);
        scenario.load.stopSteady();

        assertThat(c.alive()).isTrue();
        scenario.awaitAllDecidedAndCheck();
    }
}
