package io.spillway.contract.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
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
        }, new WarmupProperties(true, Duration.ofMillis(400), 4));

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
        WarmupGate gate = new WarmupGate(ran::incrementAndGet, new WarmupProperties(false, Duration.ofSeconds(10), 4));

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
        }, new WarmupProperties(true, Duration.ofMillis(200), 2));

        gate.onApplicationEvent(STARTED);

        await().atMost(Duration.ofSeconds(10)).until(() -> gate.state() == WarmupGate.State.WARM);
        assertThat(gate.health().getStatus()).isEqualTo(Status.UP);
        assertThat(gate.rounds()).isZero();
        assertThat((Long) gate.health().getDetails().get("failed")).isPositive();
    }

    @Test
    void the_settings_refuse_a_negative_duration_and_no_threads() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new WarmupProperties(true, Duration.ofSeconds(-1), 4));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new WarmupProperties(true, Duration.ofSeconds(1), 0));
    }
}
