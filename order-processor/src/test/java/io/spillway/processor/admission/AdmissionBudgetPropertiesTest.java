package io.spillway.processor.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.processor.admission.AdmissionBudget.Rates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever the steps' timing, the rates changed between them, and the admissions' ends: no 60-s
 * window holds more admissions than the rate in force at each of them allowed, and the actives never
 * exceed {@code maxActive} in force.
 */
class AdmissionBudgetPropertiesTest {

    private static final Instant T = Instant.parse("2026-12-24T09:00:00Z");

    /** One step: how long after the previous, the rates in force, which actives end before it. */
    record Step(int afterMillis, int admitPerMinute, int maxActive, int ending) {}

    @Property(tries = 300)
    void noMinuteExceedsTheRateAndTheActivesNeverExceedTheCap(
            @ForAll("steps") List<Step> steps, @ForAll @IntRange(min = 1, max = 5_000) int waiting) {
        List<Instant> admitted = new ArrayList<>();
        List<Instant> active = new ArrayList<>();
        int left = waiting;
        Instant now = T;
        int lowestRate = Integer.MAX_VALUE;
        for (Step step : steps) {
            now = now.plusMillis(step.afterMillis());
            for (int i = 0; i < step.ending() && !active.isEmpty(); i++) {
                active.removeFirst();
            }
            Instant cut = now.minus(AdmissionBudget.MINUTE);
            List<Instant> lastMinute = admitted.stream()
                    .filter(t -> t.isAfter(cut))
                    .sorted(Comparator.reverseOrder())
                    .toList();
            int n = AdmissionBudget.admissible(new Rates(step.admitPerMinute(), step.maxActive()), active.size(),
                    lastMinute, left, now);
            assertThat(n).isBetween(0, left);
            for (int i = 0; i < n; i++) {
                admitted.add(now);
                active.add(now);
            }
            left -= n;
            if (step.maxActive() > 0 && n > 0) {
                assertThat(active).hasSizeLessThanOrEqualTo(step.maxActive());
            }
            if (step.admitPerMinute() > 0 && n > 0) {
                // Every admission of this step, with all those of the 60 s before it.
                assertThat(lastMinute.size() + n).isLessThanOrEqualTo(step.admitPerMinute());
            }
            lowestRate = Math.min(lowestRate, step.admitPerMinute() == 0 ? Integer.MAX_VALUE : step.admitPerMinute());
        }
        if (lowestRate != Integer.MAX_VALUE) {
            // With one rate for the whole run, every window (any start) holds at most that many.
            boolean oneRate = steps.stream().allMatch(s -> s.admitPerMinute() == steps.get(0).admitPerMinute());
            if (oneRate) {
                assertThat(maxInAnyWindow(admitted, AdmissionBudget.MINUTE)).isLessThanOrEqualTo(lowestRate);
            }
        }
    }

    private static int maxInAnyWindow(List<Instant> times, Duration window) {
        List<Instant> sorted = times.stream().sorted().toList();
        int most = 0;
        int start = 0;
        for (int end = 0; end < sorted.size(); end++) {
            while (!sorted.get(start).plus(window).isAfter(sorted.get(end))) {
                start++;
            }
            most = Math.max(most, end - start + 1);
        }
        return most;
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> rate = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 1_200));
        Arbitrary<Integer> cap = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 100));
        Arbitrary<Step> fixedRate = Combinators.combine(
                        Arbitraries.integers().between(0, 3_000), Arbitraries.integers().between(0, 20))
                .as((after, ending) -> new Step(after, 600, 50, ending));
        Arbitrary<Step> anyRate = Combinators.combine(
                        Arbitraries.integers().between(0, 3_000), rate, cap, Arbitraries.integers().between(0, 20))
                .as(Step::new);
        return Arbitraries.oneOf(fixedRate.list().ofMinSize(1).ofMaxSize(400),
                anyRate.list().ofMinSize(1).ofMaxSize(400));
    }
}
