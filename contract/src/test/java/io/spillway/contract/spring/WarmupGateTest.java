package io.spillway.contract.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.context.event.ApplicationStartedEvent;

class WarmupGateTest {

    private static final ApplicationStartedEvent STARTED = new ApplicationStartedEvent(
            new org.springframework.boot.SpringApplication(), new String[0], null, Duration.ZERO);

    @Test
    void an_instance_is_out_of_service_while_it_warms_and_ready_after() throws Exception {
        CountDownLatch mayFinish = new CountDownLatch(1);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        WarmupGate gate = new WarmupGate(() -> {
            threads.add(Thread.currentThread().getName() + "@" + Thread.currentThread().threadId());
            mayFinish.await(10, TimeUnit.MILLISECONDS);
        }, new WarmupProperties(true, Duration.ZERO, Duration.ofMillis(1500), 4));

        assertThat(gate.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        gate.onApplicationEvent(STARTED);
        assertThat(gate.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

        await().atMost(Duration.ofSeconds(10)).until(() -> gate.state() == WarmupGate.State.WARM);
        assertThat(gate.health().getStatus()).isEqualTo(Status.UP);
        assertThat(gate.rounds()).isPositive();
        assertThat(threads).as("rounds run from every warm-up thread at once").hasSize(4);
        assertThat(gate.health().getDetails()).containsEntry("state", "warm").containsEntry("failed", 0L);
    }

    @Test
    void a_disabled_warm_up_reports_ready_at_once_and_runs_nothing() {
        AtomicInteger ran = new AtomicInteger();
        WarmupGate gate = new WarmupGate(ran::incrementAndGet, new WarmupProperties(false, Duration.ofSeconds(5), Duration.ofSeconds(10), 4));

        assertThat(gate.health().getStatus()).isEqualTo(Status.UP);
        gate.onApplicationEvent(STARTED);

        assertThat(gate.state()).isEqualTo(WarmupGate.State.OFF);
        assertThat(gate.health().getDetails()).containsEntry("state", "off");
        assertThat(ran).hasValue(0);
    }

    @Test
    void a_warm_up_whose_every_round_fails_still_opens_the_gate() {
        WarmupGate gate = new WarmupGate(() -> {
            throw new IllegalStateException("connection refused");
        }, new WarmupProperties(true, Duration.ZERO, Duration.ofSeconds(8), 2));

        gate.onApplicationEvent(STARTED);

        await().atMost(Duration.ofSeconds(30)).until(() -> gate.state() == WarmupGate.State.WARM);
        assertThat(gate.health().getStatus()).isEqualTo(Status.UP);
        assertThat(gate.rounds()).isZero();
        assertThat((Long) gate.health().getDetails().get("failed")).isPositive();
    }

    @Test
    void the_hot_path_counts_as_compiled_once_three_seconds_neither_beat_the_best_before_nor_kept_the_jit_busy() {
        List<Long> quiet = List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L);
        // A JIT still compiling: every second beats the last by far.
        assertThat(WarmupGate.settled(List.of(561L, 851L, 783L, 1507L, 2694L, 4071L, 5163L), quiet)).isFalse();
        // Flat but for noise, the JIT quiet.
        assertThat(WarmupGate.settled(List.of(561L, 2694L, 7005L, 7300L, 6900L, 7600L), quiet)).isTrue();
        // One more rise in the last three: not yet.
        assertThat(WarmupGate.settled(List.of(561L, 2694L, 7005L, 7300L, 8000L, 7600L), quiet)).isFalse();
        // Flat because the CPU is short, while the compilers are still at work: not yet.
        assertThat(WarmupGate.settled(List.of(0L, 30L, 215L, 222L, 214L, 220L), List.of(0L, 900L, 1400L, 1200L, 1300L, 1100L)))
                .isFalse();
        // Nothing to compare with yet.
        assertThat(WarmupGate.settled(List.of(7000L, 7000L, 7000L), quiet)).isFalse();
        // Rounds that all fail run at 0 a second: settled, and the gate opens at the minimum.
        assertThat(WarmupGate.settled(List.of(0L, 0L, 0L, 0L), quiet)).isTrue();
        // A JVM that does not measure compilation time: the rate alone.
        assertThat(WarmupGate.settled(List.of(561L, 2694L, 7005L, 7300L, 6900L, 7600L), List.of())).isTrue();
    }

    @Test
    void the_settings_refuse_a_minimum_above_the_maximum_and_no_threads() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new WarmupProperties(true, Duration.ofSeconds(-1), Duration.ofSeconds(5), 4));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new WarmupProperties(true, Duration.ofSeconds(10), Duration.ofSeconds(5), 4));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new WarmupProperties(true, Duration.ofSeconds(1), Duration.ofSeconds(5), 0));
    }
}
