package io.spillway.notifier.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.OrderId;
import io.spillway.notifier.NotifierProperties;
import io.spillway.notifier.status.OrderStatus;
import io.spillway.notifier.status.OrderStatusListener;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The open event streams of this instance, by order, and the way the order-status table reaches
 * them. Every stream is released when it ends, whichever way: terminal event sent, client gone,
 * timeout, error or shutdown.
 *
 * <p>Metrics: {@code spillway.notifier.streams.open} (gauge) and
 * {@code spillway.notifier.events.sent} by {@code type} (queued, confirmed, rejected).
 */
class Subscriptions implements OrderStatusListener, SmartLifecycle, DisposableBean {

    private final Map<OrderId, Set<Subscription>> byOrder = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final ExecutorService threads =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("order-events-", 0).factory());
    private final OrderViews views;
    private final ObjectMapper json;
    private final NotifierProperties settings;
    private final Map<String, Counter> sent = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private volatile boolean running;

    Subscriptions(OrderViews views, ObjectMapper json, NotifierProperties settings, MeterRegistry meters) {
        this.views = views;
        this.json = json;
        this.settings = settings;
        this.meters = meters;
        Gauge.builder("spillway.notifier.streams.open", open, AtomicInteger::get)
                .description("Event streams open on this instance")
                .register(meters);
        for (String type : new String[] {"queued", "confirmed", "rejected"}) {
            counter(type);
        }
    }

    SseEmitter open(OrderId orderId, long lastEventId) {
        SseEmitter emitter = new SseEmitter(settings.streamTimeout().toMillis());
        Subscription subscription = new Subscription(orderId, emitter, lastEventId, this);
        byOrder.computeIfAbsent(orderId, id -> ConcurrentHashMap.newKeySet()).add(subscription);
        open.incrementAndGet();
        emitter.onCompletion(subscription::close);
        emitter.onError(failure -> subscription.close());
        emitter.onTimeout(() -> {
            subscription.close();
            emitter.complete();
        });
        try {
            threads.execute(subscription);
        } catch (RejectedExecutionException stopping) {
            release(subscription);
            emitter.complete();
        }
        return emitter;
    }

    @Override
    public void changed(OrderStatus status) {
        Set<Subscription> subscriptions = byOrder.get(status.orderId());
        if (subscriptions != null) {
            subscriptions.forEach(subscription -> subscription.offer(status));
        }
    }

    /** Open streams on this instance. */
    int openStreams() {
        return open.get();
    }

    void release(Subscription subscription) {
        byOrder.computeIfPresent(subscription.orderId(), (id, subscriptions) -> {
            subscriptions.remove(subscription);
            return subscriptions.isEmpty() ? null : subscriptions;
        });
        open.decrementAndGet();
    }

    OrderViews views() {
        return views;
    }

    NotifierProperties settings() {
        return settings;
    }

    String json(OrderView view) {
        try {
            return json.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + view, e);
        }
    }

    void sent(String type) {
        counter(type).increment();
    }

    private Counter counter(String type) {
        return sent.computeIfAbsent(type, t -> Counter.builder("spillway.notifier.events.sent")
                .description("Events sent on order event streams")
                .tag("type", t)
                .register(meters));
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends every open stream so that clients reconnect (with {@code Last-Event-ID}) to another
     * instance. Runs before the web server's graceful shutdown, which would otherwise wait for
     * streams that never end by themselves.
     */
    @Override
    public void stop() {
        running = false;
        byOrder.values().forEach(subscriptions -> subscriptions.forEach(subscription -> {
            subscription.close();
            subscription.emitter().complete();
        }));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void destroy() {
        stop();
        threads.shutdownNow();
    }
}
