package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.processor.ProcessesUnderFaults.ProcessorProcess;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the processor while thousands of holds are ending, then a restart: each hold ends
 * once, with one end event, and a payment accepted by its deadline still pays.
 */
class HoldsCrashIT extends HoldsUnderFaults {

    private static final int HOLDERS = 3_000;

    @Test
    void killNineInTheMiddleOfAMassExpiryThenRestartEndsEveryHoldOnceAndPaysEveryTimelyPayment() throws Exception {
        HoldSale sale = sale("holds-kill", HOLDERS);
        ProcessorProcess first = start(sale, "holds-kill-1");
        sale.openHolds();
        sale.earlyCommands();
        sale.startNewcomers(100);

        List<Integer> everyone = IntStream.range(0, HOLDERS).boxed().toList();
        // Due within two seconds of each other, payments and cancels arriving right around them.
        sale.forgeDeadlines(everyone, Duration.ofSeconds(3), Duration.ofSeconds(2));
        int open = sale.openHoldsOf(everyone);
        sale.progress("deadlines forged, " + open + " holds open");
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> sale.expired() >= open / 10);
        first.kill();
        sale.progress("processor killed");
        assertThat(sale.openHoldsOf(everyone)).as("holds still open when the processor died").isPositive();

        int decidedAtKill = sale.decided();
        ProcessorProcess second = start(sale, "holds-kill-2");
        // The restarted processor decides new orders again before the load stops.
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> sale.decided() > decidedAtKill + 100);
        sale.stopNewcomers();
        sale.awaitEndsAndCheck(List.of(second));
    }
}
