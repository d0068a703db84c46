package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.processor.ProcessesUnderFaults.ProcessorProcess;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Instances joining (1 → 3) and leaving (3 → 1, one orderly, one killed) while holds are ending: no
 * hold ends twice, none is lost, and a payment accepted by its deadline still pays.
 */
class HoldsRebalanceIT extends HoldsUnderFaults {

    private static final int HOLDERS = 3_000;

    @Test
    void oneThenThreeThenOneInstanceDuringExpiriesEndEveryHoldOnceAndPayEveryTimelyPayment() throws Exception {
        HoldSale sale = sale("holds-group", HOLDERS);
        ProcessorProcess a = start(sale, "holds-group-a");
        sale.openHolds();
        sale.earlyCommands();
        sale.startNewcomers(100);

        // Two thirds due over 40 s, across the scale-out; the rest due at once, just before the scale-in.
        List<Integer> spread = IntStream.range(0, HOLDERS).filter(i -> i % 3 != 0).boxed().toList();
        List<Integer> atOnce = IntStream.range(0, HOLDERS).filter(i -> i % 3 == 0).boxed().toList();
        sale.forgeDeadlines(spread, Duration.ofSeconds(2), Duration.ofSeconds(40));
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> sale.expired() > 0);

        ProcessorProcess b = start(sale, "holds-group-b");
        ProcessorProcess c = start(sale, "holds-group-c");
        sale.awaitMembers(3);
        sale.progress("three instances");
        assertThat(sale.openHoldsOf(spread)).as("holds still open after the scale-out").isPositive();

        int openAtOnce = sale.openHoldsOf(atOnce);
        sale.forgeDeadlines(atOnce, Duration.ofSeconds(1), Duration.ofSeconds(1));
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> sale.openHoldsOf(atOnce) <= openAtOnce * 9 / 10);
        b.kill();
        c.stop();
        sale.awaitMembers(1);
        sale.progress("one instance");

        sale.stopNewcomers();
        assertThat(a.alive()).isTrue();
        sale.awaitEndsAndCheck(List.of(a));
    }
}
