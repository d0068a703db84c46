package io.spillway.contract.spring;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
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
 * {@link WarmupRound} from {@code threads} threads until the rate of rounds stops rising and the
 * JIT has gone quiet ({@link #settled}: the hot path is compiled), at least {@code min-duration} and at most
 * {@code max-duration}, and until then it reports {@code OUT_OF_SERVICE} in the readiness group. A JVM that has just started serves its first
 * seconds at a fraction of its speed while the JIT compiles what those seconds run
 * (docs/benchmarks/warmup.md); a pod that joins the line at the opening in that state takes the
 * spike at that fraction. Warmed first, it says ready when it is ready for the spike.
 *
 * <p>Fail-open: a round that fails is counted and logged, never retried until it succeeds, and the
 * gate opens by {@code max-duration} whatever happened, with a warning when not one round succeeded.
 * A warm-up must never keep a healthy instance out of service; at worst it starts as cold as
 * without one. Each second's count of rounds is logged when it ends: the rate curve that shows an
 * operator how long the JIT took on this node.
 *
 * <p>Limits: the time is spent on every start, so it is added to every rollout and every scale-up
 * (the trade-off is in docs/operations.md). The rounds compile what they run; code a round cannot
 * reach without an effect (the broker's send, a decision's commit) is compiled only by real traffic.
 */
public final class WarmupGate implements HealthIndicator, ApplicationListener<ApplicationStartedEvent>, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WarmupGate.class);
    /** How long rounds still running at the end may take before they are interrupted. */
    private static final Duration STRAGGLERS = Duration.ofSeconds(5);
    /** Seconds in a row that must not beat the best before them for the rate to count as settled. */
    static final int SETTLE_SECONDS = 3;
    /** How much better than the best second before it a second may be and still count as no rise. */
    static final double RISE = 1.1;
    /** The most compiling a second may hold for the JIT to count as quiet (of all its threads). */
    static final long QUIET_JIT_MILLIS = 100;
    private static final Duration FAILURE_PAUSE = Duration.ofMillis(50);

    enum State { WAITING, WARMING, WARM, OFF }

    private final WarmupRound round;
    private final WarmupProperties settings;
    private final LongAdder rounds = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final List<Long> perSecond = new ArrayList<>();
    /** Milliseconds the JIT spent compiling in each of those seconds, when the JVM tells. */
    private final List<Long> jitPerSecond = new ArrayList<>();
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private volatile State state;
    private volatile String lastFailure;
    private volatile ExecutorService workers;
    private volatile long tookMillis;
    private volatile boolean stopped;

    public WarmupGate(WarmupRound round, WarmupProperties settings) {
        this.round = round;
        this.settings = settings;
        this.state = settings.enabled() && !settings.maxDuration().isZero() ? State.WAITING : State.OFF;
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
        long earliest = start + settings.minDuration().toNanos();
        long latest = start + settings.maxDuration().toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread thread = new Thread(r, "warmup-round");
            thread.setDaemon(true);
            return thread;
        });
        workers = pool;
        log.info("warming up with {} threads before reporting ready: {} to {}, until the rate stops rising and the JIT is quiet",
                settings.threads(), settings.minDuration(), settings.maxDuration());
        for (int i = 0; i < settings.threads(); i++) {
            pool.execute(this::roundsUntilStopped);
        }
        try {
            long counted = 0;
            long compiled = jitMillis();
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                long now = rounds.sum();
                long compiledNow = jitMillis();
                synchronized (perSecond) {
                    perSecond.add(now - counted);
                    jitPerSecond.add(compiledNow - compiled);
                }
                counted = now;
                compiled = compiledNow;
                long at = System.nanoTime();
                if (at - latest >= 0 || (at - earliest >= 0 && settled(perSecondSoFar(), jitSoFar()))) {
                    break;
                }
            }
            stopped = true;
            pool.shutdown();
            if (!pool.awaitTermination(STRAGGLERS.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
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
            log.info("warm after {} ms: {} rounds, {} failed; rounds per second: {}; JIT ms per second: {}",
                    tookMillis, rounds.sum(), failures.sum(), perSecondSoFar(), jitSoFar());
        }
    }

    /**
     * The rule "the hot path is compiled": over the last {@link #SETTLE_SECONDS} whole seconds the
     * JIT was quiet (at most {@link #QUIET_JIT_MILLIS} of compiling in each) and the rate stopped
     * rising (none of them ran more than {@link #RISE} times the rounds of the best second before
     * them). While the JIT is still at work each second beats the last by far (here 561, 851, 783,
     * 1,507, 2,694, 4,071, … rounds) and the compilers are busy; a rate that is flat only because the
     * CPU is short (a node starting many pods) still has the compilers busy, so the rate alone would
     * call it warm too early. A JVM that does not measure compilation time is judged on the rate.
     */
    static boolean settled(List<Long> perSecond, List<Long> jitMillisPerSecond) {
        int n = perSecond.size();
        if (n <= SETTLE_SECONDS) {
            return false;
        }
        long best = 0;
        for (int i = 0; i < n - SETTLE_SECONDS; i++) {
            best = Math.max(best, perSecond.get(i));
        }
        for (int i = n - SETTLE_SECONDS; i < n; i++) {
            if (perSecond.get(i) > best * RISE) {
                return false;
            }
            if (i < jitMillisPerSecond.size() && jitMillisPerSecond.get(i) > QUIET_JIT_MILLIS) {
                return false;
            }
        }
        return true;
    }

    private long jitMillis() {
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private void roundsUntilStopped() {
        while (!stopped && !Thread.currentThread().isInterrupted()) {
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
                // A round that cannot be done now (the instance's port refused, say) is not tried in
                // a loop as hot as the rounds that succeed.
                LockSupport.parkNanos(FAILURE_PAUSE.toNanos());
            }
        }
    }

    private List<Long> perSecondSoFar() {
        synchronized (perSecond) {
            return List.copyOf(perSecond);
        }
    }

    private List<Long> jitSoFar() {
        synchronized (perSecond) {
            return List.copyOf(jitPerSecond);
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
            health.withDetail("maxDuration", settings.maxDuration().toString())
                    .withDetail("rounds", rounds.sum())
                    .withDetail("failed", failures.sum())
                    .withDetail("roundsPerSecond", perSecondSoFar())
                    .withDetail("jitMillisPerSecond", jitSoFar());
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
