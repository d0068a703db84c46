package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.testing.SharedInfrastructure;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code kill -9} in the middle of a stream, then a restart: nothing lost, nothing doubled. */
class ProcessorCrashIT extends ProcessesUnderFaults {

    @Test
    void killNineMidStreamThenRestartLosesAndDoublesNothing() throws Exception {
        Scenario scenario = scenario(SharedInfrastructure.newDatabase(), "kill", 4, 900, true);
        scenario.load.preload(4_000);

        ProcessorProcess first = start(scenario, "kill-1", Map.of());
        // Mid-stream: some orders decided, most not; the process is busy with a batch when it dies.
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> scenario.decidedInDatabase() >= 400);
        first.kill();
        int decidedAtKill = scenario.decidedInDatabase();
        assertThat(decidedAtKill).isLessThan(scenario.load.orderCount());

        start(scenario, "kill-2", Map.of());
        scenario.awaitAllDecidedAndCheck();
    }
}
