package io.spillway.processor.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.processor.admission.AdmissionBudget.Rates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionBudgetTest {

    private static final Instant T = Instant.parse("2026-12-24T09:00:00Z");

    @Test
    void maxActiveBindsWhenTheShopIsFull() {
        assertThat(AdmissionBudget.admissible(new Rates(0, 50), 48, List.of(), 100, T)).isEqualTo(2);
        assertThat(AdmissionBudget.admissible(new Rates(0, 50), 50, List.of(), 100, T)).isZero();
        assertThat(AdmissionBudget.admissible(new Rates(0, 50), 60, List.of(), 100, T))
                .as("more active than allowed after maxActive was lowered")
                .isZero();
    }

    @Test
    void zeroMeansNoCapAndTheLineBoundsTheAnswer() {
        assertThat(AdmissionBudget.admissible(new Rates(0, 0), 1_000, List.of(), 7, T)).isEqualTo(7);
    }

    @Test
    void theMinuteBudgetCountsEveryAdmissionOfTheLastSixtySeconds() {
        List<Instant> lastMinute = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            lastMinute.add(T.minusMillis(100L * i + 10));
        }
        assertThat(AdmissionBudget.admissible(new Rates(600, 0), 0, lastMinute, 100, T)).isZero();
        assertThat(AdmissionBudget.admissible(new Rates(600, 0), 0, lastMinute.subList(0, 599), 100, T)).isLessThanOrEqualTo(1);
    }

    @Test
    void aFirstStepAdmitsOneSecondsWorthNotTheWholeMinute() {
        // 600 a minute is 10 a second: the first admission and one second of tolerance ahead.
        assertThat(AdmissionBudget.admissible(new Rates(600, 0), 0, List.of(), 1_000, T)).isEqualTo(11);
    }

    @Test
    void stepsAQuarterSecondApartKeepTheSetRate() {
        List<Instant> admitted = new ArrayList<>();
        Instant now = T;
        int total = 0;
        for (int step = 0; step < 4 * 120; step++) {
            // Late by a few ms at every step, as real steps are.
            now = now.plus(Duration.ofMillis(250 + step % 7));
            Instant cut = now.minus(AdmissionBudget.MINUTE);
            List<Instant> lastMinute = admitted.stream().filter(t -> t.isAfter(cut)).sorted((a, b) -> b.compareTo(a)).toList();
            int n = AdmissionBudget.admissible(new Rates(600, 0), 0, lastMinute, 1_000, now);
            for (int i = 0; i < n; i++) {
                admitted.add(now);
            }
            total += n;
        }
        Instant end = now;
        long lastMinute = admitted.stream().filter(t -> t.isAfter(end.minus(AdmissionBudget.MINUTE))).count();
        assertThat(lastMinute).isBetween(590L, 600L);
        // The schedule's rate over the whole run, plus its one second of tolerance and the first.
        long elapsedMillis = Duration.between(T, end).toMillis();
        assertThat(total).isLessThanOrEqualTo((int) (elapsedMillis / 100) + 11);
        assertThat(total).isGreaterThanOrEqualTo((int) (elapsedMillis / 100) - 11);
    }

    @Test
    void theScheduleIsTheRecurrenceOverTheAdmissions() {
        long interval = AdmissionBudget.interval(60);
        // Three at once at t=0, one at t=10 s: 0 + 4 s, 10 + 1 s.
        List<Instant> newestFirst = List.of(T.plusSeconds(10), T, T, T);
        assertThat(AdmissionBudget.schedule(newestFirst, interval))
                .isEqualTo(T.plusSeconds(11).getEpochSecond() * 1_000_000_000L);
        assertThat(AdmissionBudget.schedule(List.of(), interval)).isNull();
    }
}
