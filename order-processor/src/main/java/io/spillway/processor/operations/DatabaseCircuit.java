package io.spillway.processor.operations;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.processor.intake.OrderRequestListener;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * The database behind the named circuit breaker {@value #NAME} (configured under
 * {@code resilience4j.circuitbreaker.instances.processor-database}), and the link from the breaker to
 * the listener: while the breaker is open the container's partitions are paused, so orders wait in
 * Kafka instead of being pulled into memory or rejected; the consumer keeps polling (paused, it
 * fetches nothing) and so stays in its group whatever {@code max.poll.interval.ms} is. When the
 * breaker lets calls through again (half-open, by itself after its wait) the partitions resume; a
 * failed trial call opens it and pauses them again.
 *
 * <p>A call is one poll's transaction, conflict retries included. Contention that outlived its
 * retries is not an outage and is ignored by the breaker (see {@code ignore-exceptions}); a database
 * that answers too slowly counts as failing ({@code slow-call-*}).
 *
 * <p>Limits: the batch in hand when the breaker opens is not dropped; the container's error handler
 * holds it and tries again with back-off, and its calls fail fast without touching the database
 * until the breaker half-opens.
 */
@Component
public class DatabaseCircuit {

    static final String NAME = "processor-database";

    private static final Logger log = LoggerFactory.getLogger(DatabaseCircuit.class);

    private final CircuitBreaker breaker;
    private final KafkaListenerEndpointRegistry listeners;
    private final Counter pauses;
    private final AtomicBoolean paused = new AtomicBoolean();

    DatabaseCircuit(CircuitBreakerRegistry breakers, KafkaListenerEndpointRegistry listeners, MeterRegistry meters) {
        this.breaker = breakers.circuitBreaker(NAME);
        this.listeners = listeners;
        this.pauses = Counter.builder("spillway.processor.pauses")
                .description("Times consumption of orders.requested was paused because the database circuit opened")
                .register(meters);
        Gauge.builder("spillway.processor.paused", paused, flag -> flag.get() ? 1 : 0)
                .description("1 while consumption is paused for the database, else 0")
                .register(meters);
        breaker.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition().getToState()) {
                case OPEN, FORCED_OPEN -> pause();
                default -> resume();
            }
        });
    }

    /** Runs one piece of database work through the breaker; throws {@code CallNotPermittedException} while open. */
    public <T> T call(Supplier<T> work) {
        return breaker.executeSupplier(work);
    }

    public CircuitBreaker.State state() {
        return breaker.getState();
    }

    public boolean paused() {
        return paused.get();
    }

    private void pause() {
        if (paused.compareAndSet(false, true)) {
            pauses.increment();
            log.warn("database circuit {} open: pausing consumption of orders until it half-opens", NAME);
        }
        container().pause();
    }

    private void resume() {
        if (paused.compareAndSet(true, false)) {
            log.info("database circuit {} {}: resuming consumption", NAME, breaker.getState());
        }
        container().resume();
    }

    private MessageListenerContainer container() {
        MessageListenerContainer container = listeners.getListenerContainer(OrderRequestListener.ID);
        if (container == null) {
            throw new IllegalStateException("no listener container " + OrderRequestListener.ID);
        }
        return container;
    }
}
