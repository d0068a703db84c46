package io.spillway.contract.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Keeps an instance out of the line until its hot path is compiled: from the moment the
 * application has started (web server listening, listeners running) it runs the service's
 * {@link WarmupRound} from {@code threads} threads for {@code duration}, and until then it reports
 * {@code OUT_OF_SERVICE} in the readiness group. A JVM that has just started serves its first
 * seconds at a fraction of its speed while the JIT compiles what those seconds run
 * (docs/benchmarks/warmup.md); a pod that joins the line at the opening in that state takes the
 * spike at that fraction. Warmed first, it says ready when it is ready for the spike.
 *
 * <p>Fail-open: a round that fails is counted and logged, never retried until it succeeds, and the
 * gate opens after {@code duration} whatever happened, with a warning when not one round succeeded.
 * A warm-up must never keep a healthy instance out of service; at worst it starts as cold as
 * without one. Each second's count of rounds is logged when it ends, the rate curve an operator
 * needs to choose {@code duration}.
 *
 * <p>Limits: the time is spent on every start, so it is added to every rollout and every scale-up
 * (the trade-off is in docs/operations.md). The rounds compile what they run; code a round cannot
 * reach without an effect (the broker's send, a decision's commit) is compiled only by real traffic.
 */
public final class WarmupGate implements HealthIndicator, ApplicationListener<ApplicationStartedEvent>, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WarmupGate.class);
    /** How long rounds still running at the end may take before they are interrupted. */
    private static final Duration STRAGGLERS = Duration.ofSeconds(5);

    enum State { WAITING, WARMING, WARM, OFF }

    private final WarmupRound round;
    private final WarmupProperties settings;
    private final LongAdder rounds = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final List<Long> perSecond = new ArrayList<>();
    private volatile State state;
    private volatile String lastFailure;
    private volatile ExecutorService workers;
    private volatile long tookMillis;

    public WarmupGate(WarmupRound round, WarmupProperties settings) {
        this.round = round;
        this.settings = settings;
        this.state = settings.enabled() && !settings.duration().isZero() ? State.WAITING : State.OFF;
    }

    State state() {
        return state;
    }

    long rounds() {
        return rounds.sum();
    }

    @Override
    public void onApplicationEvent(ApplicationStartedEvent event) {
        if (state == State.OFF) {
            round.finished();
        }
        if (state != State.WAITING) {
            return;
        }
        state = State.WARMING;
        Thread conductor = new Thread(this::warm, "warmup");
        conductor.setDaemon(true);
        conductor.start();
    }

    private void warm() {
        long start = System.nanoTime();
        long deadline = start + settings.duration().toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread thread = new Thread(r, "warmup-round");
            thread.setDaemon(true);
            return thread;
        });
        workers = pool;
        log.info("warming up for {} with {} threads before reporting ready", settings.duration(), settings.threads());
        for (int i = 0; i < settings.threads(); i++) {
            pool.execute(() -> roundsUntil(deadline));
        }
        pool.shutdown();
        try {
            long counted = 0;
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                long now = rounds.sum();
                synchronized (perSecond) {
                    perSecond.add(now - counted);
                }
                counted = now;
                if (System.nanoTime() - deadline > STRAGGLERS.toNanos()) {
                    pool.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        try {
            round.finished();
        } catch (RuntimeException e) {
            log.warn("the warm-up's clean-up failed", e);
        }
        state = State.WARM;
        if (rounds.sum() == 0) {
            log.warn("warm-up ran no round successfully in {} ms ({} failed; last: {}); reporting ready cold",
                    tookMillis, failures.sum(), lastFailure);
        } else {
            log.info("warm after {} ms: {} rounds, {} failed; rounds per second: {}",
                    tookMillis, rounds.sum(), failures.sum(), perSecondSoFar());
        }
    }

    private void roundsUntil(long deadline) {
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            try {
                round.run();
                rounds.increment();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failures.increment();
                if (lastFailure == null) {
                    log.info("a warm-up round failed: {}", e.toString());
                }
                lastFailure = e.toString();
            }
        }
    }

    private List<Long> perSecondSoFar() {
        synchronized (perSecond) {
            return List.copyOf(perSecond);
        }
    }

    @Override
    public Health health() {
        Health.Builder health = switch (state) {
            case WAITING, WARMING -> Health.outOfService();
            case WARM, OFF -> Health.up();
        };
        health.withDetail("state", state.name().toLowerCase(java.util.Locale.ROOT));
        if (state != State.OFF) {
            health.withDetail("duration", settings.duration().toString())
                    .withDetail("rounds", rounds.sum())
                    .withDetail("failed", failures.sum())
                    .withDetail("roundsPerSecond", perSecondSoFar());
        }
        if (state == State.WARM) {
            health.withDetail("tookMillis", tookMillis);
        }
        return health.build();
    }

    @Override
    public void destroy() {
        ExecutorService pool = workers;
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
