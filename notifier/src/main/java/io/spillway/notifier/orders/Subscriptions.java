package io.spillway.notifier.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spillway.contract.OrderId;
import io.spillway.contract.problems.Problems;
import io.spillway.notifier.NotifierProperties;
import io.spillway.notifier.orders.EventStream.Road;
import io.spillway.notifier.status.OrderStatus;
import io.spillway.notifier.status.OrderStatusListener;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The open event streams of this instance, by order (and by entry in a room: the {@code entries}
 * feature opens its streams here with its own {@link EventStream.Story}), and the way the
 * order-status table reaches them. Every stream is released when it ends, whichever way: terminal event sent, client gone,
 * timeout, error or shutdown.
 *
 * <p>An order may have at most {@code maxStreamsPerOrder} open streams on this instance; one more is
 * refused with 429, so a misbehaving client cannot pile up streams on one order.
 *
 * <p>Streams hold no thread: their steps run on a worker pool (as many threads as cores), their
 * timers on one scheduler thread, which also looks at the queue model once per
 * {@code queuedUpdateInterval} for the whole instance. A step that brings a decision runs on a
 * second, small pool of its own, so that it never waits behind the routine steps (ten thousand
 * streams make a thousand heartbeat steps a second, each reading the store).
 *
 * <p>A decision reaches the streams by two roads, the direct feed ({@link DirectDecisions}) and the
 * table's change; each stream merges them by {@link OrderStream}'s rule.
 *
 * <p>Metrics: {@code spillway.notifier.streams.open} (gauge), {@code spillway.notifier.events.sent}
 * by {@code type} (queued, confirmed, rejected, paid, expired, cancelled), and
 * {@code spillway.notifier.delivery.latency} by {@code path} (direct, table): from the record's
 * timestamp to the event written on the socket, for each decision, held confirmation or end of a
 * hold heard while the stream was open. The warm-up's streams ({@link OrderWarmup}) are in none of them.
 */
public class Subscriptions implements OrderStatusListener, SmartLifecycle, DisposableBean {

    /** A stream that the connection never started reading (it failed first) is given up after this. */
    private static final Duration SUBSCRIBE_GRACE = Duration.ofSeconds(30);

    /** By the id of what they follow: an {@link OrderId}, or another feature's id (an entry's). */
    private final Map<Object, Set<Subscription<?, ?>>> byOrder = new ConcurrentHashMap<>();
    /** Other lines whose movement may change a rendered place ({@link #followLine}). */
    private final List<LongSupplier> otherLines = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    /** Runs the streams' steps: short, non-blocking work (a store read, a render, a write). */
    private final ExecutorService steps = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            Thread.ofPlatform().daemon().name("order-events-", 0).factory());
    /**
     * Runs the steps that bring a decision to a stream: a stream's terminal event must not queue
     * behind the routine steps (heartbeats, queued updates) of every other stream.
     */
    private final ExecutorService decisions = Executors.newFixedThreadPool(
            2, Thread.ofPlatform().daemon().name("order-events-decisions-", 0).factory());
    /** The streams' timers (next queued event, heartbeat) and the look at the queue model. */
    private final ScheduledThreadPoolExecutor timers;
    /** Only the timer thread reads and writes it. */
    private long queueVersionSeen = -1;
    private final OrderViews views;
    /** What every stream reads: the store, the queue model, the JSON of a view. */
    private final OrderStream.Views streamViews;
    private final EventStream.Timings timings;
    private final NotifierProperties settings;
    private final Map<String, Counter> sent = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Map<Road, Timer> delivery;
    /** Streams of these keys (the warm-up's, {@link WarmupOrders}) are left out of the metrics. */
    private final Predicate<Object> unseen;
    private volatile boolean running;

    Subscriptions(OrderViews views, ObjectMapper json, NotifierProperties settings, MeterRegistry meters) {
        this(views, json, settings, meters, key -> false);
    }

    Subscriptions(OrderViews views, ObjectMapper json, NotifierProperties settings, MeterRegistry meters,
            Predicate<Object> unseen) {
        this.views = views;
        this.unseen = unseen;
        this.streamViews = new StreamViews(views, json, this::recorded);
        this.timings = new EventStream.Timings(settings.queuedUpdateInterval(), settings.heartbeat(),
                settings.streamTimeout(), settings.retry(), SUBSCRIBE_GRACE);
        this.settings = settings;
        this.meters = meters;
        Gauge.builder("spillway.notifier.streams.open", open, AtomicInteger::get)
                .description("Event streams open on this instance")
                .register(meters);
        delivery = Map.of(Road.DIRECT, deliveryTimer(meters, Road.DIRECT), Road.TABLE, deliveryTimer(meters, Road.TABLE));
        for (String type : new String[] {"queued", "confirmed", "rejected", "paid", "expired", "cancelled",
                "waiting", "admitted", "closed"}) {
            counter(type);
        }
        timers = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("order-events-timer").factory());
        // Cancelled timers (a stream woken early, or ended) leave the queue at once, not when they were due.
        timers.setRemoveOnCancelPolicy(true);
        long interval = settings.queuedUpdateInterval().toNanos();
        timers.scheduleWithFixedDelay(this::wakeAllIfTheLineMoved, interval, interval, TimeUnit.NANOSECONDS);
    }

    /**
     * The queue model moves without any order changing: one look for the whole instance, and the
     * streams are woken only when it moved (ten thousand idle streams then cost nothing).
     */
    private void wakeAllIfTheLineMoved() {
        long version = views.queueVersion();
        for (LongSupplier line : otherLines) {
            // A sum of counters that only grow changes whenever one of them does.
            version += line.getAsLong();
        }
        if (version != queueVersionSeen) {
            queueVersionSeen = version;
            byOrder.values().forEach(subscriptions -> subscriptions.forEach(Subscription::wake));
        }
    }

    /** Runs one stream's steps on the worker pool; false once the application stops. */
    boolean run(Runnable work) {
        return submit(steps, work);
    }

    /** Runs one stream's steps ahead of the routine ones (a decision arrived); false once the application stops. */
    boolean runNow(Runnable work) {
        return submit(decisions, work);
    }

    private static boolean submit(Executor pool, Runnable work) {
        try {
            pool.execute(work);
            return true;
        } catch (RejectedExecutionException stopping) {
            return false;
        }
    }

    ScheduledFuture<?> later(Runnable work, long nanos) {
        try {
            return timers.schedule(work, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            return null;
        }
    }

    /**
     * Admits one more stream of the order (or refuses it with 429 before any byte is written) and
     * starts its timer; the stream writes once the connection subscribes to the answer.
     */
    Flux<ServerSentEvent<String>> open(OrderId orderId, long lastEventId) {
        return open(new OrderStream(orderId, lastEventId, timings, streamViews, System.nanoTime()), "order");
    }

    /**
     * Admits one more stream of something else that waits (an entry in a room), told by its own
     * story, under the same rules and cap as an order's.
     *
     * @param noun what it follows, for the 429's words ("entry")
     */
    public <K, S> Flux<ServerSentEvent<String>> open(K key, long lastEventId, EventStream.Story<K, S> story, String noun) {
        return open(new EventStream<>(key, lastEventId, timings, story, System.nanoTime()), noun);
    }

    private <K, S> Flux<ServerSentEvent<String>> open(EventStream<K, S> stream, String noun) {
        Subscription<K, S> subscription = new Subscription<>(stream, this);
        boolean[] admitted = {false};
        byOrder.compute(stream.key(), (id, subscriptions) -> {
            Set<Subscription<?, ?>> streams = subscriptions == null ? ConcurrentHashMap.newKeySet() : subscriptions;
            if (streams.size() < settings.maxStreamsPerOrder()) {
                streams.add(subscription);
                admitted[0] = true;
            }
            return streams.isEmpty() ? null : streams;
        });
        if (!admitted[0]) {
            throw new TooManyStreams(settings.maxStreamsPerOrder(), settings.retry(), noun);
        }
        if (!unseen.test(stream.key())) {
            open.incrementAndGet();
        }
        subscription.start();
        // LATEST keeps no queue: the stream never hands over more than the connection asked for.
        return Flux.create(subscription::attach, FluxSink.OverflowStrategy.LATEST);
    }

    /**
     * Another line whose movement may change what streams show (the admissions view's rooms): looked
     * at once per {@code queuedUpdateInterval} with the order lines, and every stream is woken when
     * it moved. {@code version} must only grow.
     */
    public void followLine(LongSupplier version) {
        otherLines.add(version);
    }

    /** Whether any stream of this key is open here. */
    public boolean watches(Object key) {
        return byOrder.containsKey(key);
    }

    /** A new status of something another feature follows (an entry), from any thread; never blocks. */
    @SuppressWarnings("unchecked")
    public <K, S> void offer(K key, S status, long recordTimestamp, Road road) {
        Set<Subscription<?, ?>> subscriptions = byOrder.get(key);
        if (subscriptions != null) {
            // Streams are filed by key, and a key's streams all follow the same kind of thing (its story's S).
            subscriptions.forEach(subscription -> ((Subscription<K, S>) subscription).offer(status, recordTimestamp, road));
        }
    }

    private static Timer deliveryTimer(MeterRegistry meters, Road road) {
        return Timer.builder("spillway.notifier.delivery.latency")
                .description("From the decision record's timestamp to the terminal event written to the client")
                .tag("path", road.tag())
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .register(meters);
    }

    /** A change of the order-status table, on a Kafka Streams thread. */
    @Override
    public void changed(OrderStatus status, long recordTimestamp) {
        offer(status, recordTimestamp, Road.TABLE);
    }


    /** A result (decision, end of a hold, refused payment) from the direct feed, on its poll thread; never blocks (a stream only takes note and wakes). */
    void decided(OrderStatus decision, long recordTimestamp) {
        offer(decision, recordTimestamp, Road.DIRECT);
    }

    /** A decision from the system of record, for an order the table could not answer for; on the lookup's thread. */
    private void recorded(OrderStatus decision) {
        offer(decision, decision.updatedAt().toEpochMilli(), Road.RECORD);
    }

    private void offer(OrderStatus status, long recordTimestamp, Road road) {
        offer(status.orderId(), status, recordTimestamp, road);
    }

    /** Open streams on this instance. */
    int openStreams() {
        return open.get();
    }

    void release(Subscription<?, ?> subscription) {
        byOrder.computeIfPresent(subscription.key(), (id, subscriptions) -> {
            subscriptions.remove(subscription);
            return subscriptions.isEmpty() ? null : subscriptions;
        });
        if (!unseen.test(subscription.key())) {
            open.decrementAndGet();
        }
    }

    EventStream.Timings timings() {
        return timings;
    }

    void sent(Object key, String type) {
        if (!unseen.test(key)) {
            counter(type).increment();
        }
    }

    /** A decision that arrived while the stream was open has been written to its client. */
    void delivered(long decisionRecordTimestamp, Road road) {
        delivery.get(road).record(Math.max(0, System.currentTimeMillis() - decisionRecordTimestamp), TimeUnit.MILLISECONDS);
    }

    private Counter counter(String type) {
        return sent.computeIfAbsent(type, t -> Counter.builder("spillway.notifier.events.sent")
                .description("Events sent on order event streams")
                .tag("type", t)
                .register(meters));
    }

    /**
     * The streams' port to the store, the queue model and JSON. A read of the store that finds
     * nothing the stream can end with also asks the system of record; its decision comes back as
     * an offer ({@code recorded}), as the other roads' do.
     */
    private record StreamViews(OrderViews views, ObjectMapper json, Consumer<OrderStatus> recorded)
            implements OrderStream.Views {

        @Override
        public long queueVersion() {
            return views.queueVersion();
        }

        @Override
        public OrderStatus stored(OrderId orderId) {
            OrderStatus stored = views.find(orderId).orElse(null);
            views.askRecord(orderId, stored, recorded);
            return stored;
        }

        @Override
        public OrderView render(OrderId orderId, OrderStatus known) {
            return views.render(orderId, known);
        }

        @Override
        public String json(OrderView view) {
            try {
                return json.writeValueAsString(view);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write " + view, e);
            }
        }
    }

    /** 429: this order has as many open streams as it may have. */
    static final class TooManyStreams extends ErrorResponseException {

        TooManyStreams(int limit, Duration retry, String noun) {
            super(HttpStatus.TOO_MANY_REQUESTS, problem(limit, noun), null);
            getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retry.toSeconds())));
        }

        private static ProblemDetail problem(int limit, String noun) {
            return Problems.untyped(HttpStatus.TOO_MANY_REQUESTS, "Too many event streams",
                    "This " + noun + " already has " + limit + " open event streams; close one or retry later.");
        }
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
        byOrder.values().forEach(subscriptions -> subscriptions.forEach(Subscription::end));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void destroy() {
        stop();
        timers.shutdownNow();
        steps.shutdown();
        decisions.shutdown();
    }
}
