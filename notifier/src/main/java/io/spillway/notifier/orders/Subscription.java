package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.notifier.status.OrderStatus;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.FluxSink;

/**
 * One client's event stream of one order. It holds no thread: changes, the connection asking for
 * more, and its own timer (next queued event, heartbeat) each ask for a step, and steps run one at
 * a time on the subscriptions' small worker pool. A step writes the newest state it finds, so a
 * slow client may miss intermediate {@code queued} states but never the terminal one, which
 * nothing can replace.
 *
 * <p>A step hands the connection an event only when the connection has asked for one (reactive
 * demand, which Reactor Netty grants as the socket drains); otherwise it writes nothing and looks
 * again when asked. A slow client thus holds at most its newest state here: the buffer per
 * connection is bounded. The connection ending, for whatever reason (client gone, reset, server
 * stopping), disposes the sink, which ends the stream.
 *
 * <p>Limits: a step must not block (it reads the local store and renders JSON); the store is read
 * again every heartbeat, since a restored table announces nothing.
 */
final class Subscription {

    private static final Logger log = LoggerFactory.getLogger(Subscription.class);

    /** A stream the server never started writing (the connection failed first) is given up after this. */
    private static final long SUBSCRIBE_GRACE_NANOS = Duration.ofSeconds(30).toNanos();

    private final OrderId orderId;
    private final Subscriptions owner;
    private final long intervalNanos;
    private final long heartbeatNanos;
    private final long timeoutNanos;
    private final Duration retry;
    private final long openedAt = System.nanoTime();
    /** Steps asked for and not yet run; a routine caller starts a run only when it raises it from 0, a decision always does. */
    private final AtomicInteger wanted = new AtomicInteger();
    /** Held by the one run that does steps. */
    private final java.util.concurrent.locks.ReentrantLock stepping = new java.util.concurrent.locks.ReentrantLock();

    // Guarded by this.
    private FluxSink<ServerSentEvent<String>> sink;
    private OrderStatus pushed;
    private long pushedTimestamp;
    private String pushedPath;
    private boolean closed;
    private ScheduledFuture<?> timer;

    // Only steps touch these, one step at a time.
    private boolean over;
    private long lastId;
    private String lastQueued;
    private long lastQueuedAt;
    private long lastWriteAt = System.nanoTime();
    private boolean retrySent;
    private OrderStatus known;
    private OrderStatus lastHeard;
    private long lastStoreReadAt;
    private long renderedVersion = -1;

    Subscription(OrderId orderId, long lastEventId, Subscriptions owner) {
        this.orderId = orderId;
        this.owner = owner;
        this.lastId = Math.max(0, lastEventId);
        this.intervalNanos = owner.settings().queuedUpdateInterval().toNanos();
        this.heartbeatNanos = owner.settings().heartbeat().toNanos();
        this.timeoutNanos = owner.settings().streamTimeout().toNanos();
        this.retry = owner.settings().retry();
    }

    OrderId orderId() {
        return orderId;
    }

    /** The connection subscribed to the stream: from now on events can be written to it. */
    void attach(FluxSink<ServerSentEvent<String>> connection) {
        // Cancelled by the connection (client gone, reset), or completed here: either way, over.
        connection.onDispose(this::close);
        synchronized (this) {
            sink = connection;
        }
        connection.onRequest(more -> wake());
        wake();
    }

    /** Starts the stream's timer: a stream that is never subscribed to is given up. */
    void start() {
        wakeIn(SUBSCRIBE_GRACE_NANOS);
    }

    /**
     * A new value of the order: a change of the table's row (on a Kafka Streams thread) or a decision
     * from the direct feed (on its poll thread). Never blocks. Whichever brings the decision first
     * wins; the other then changes nothing (the first decision is final), so one terminal event.
     *
     * @param path {@link Subscriptions#DIRECT} or {@link Subscriptions#TABLE}: which one brought it
     */
    void offer(OrderStatus status, long recordTimestamp, String path) {
        boolean decided;
        synchronized (this) {
            OrderStatus merged = OrderStatus.merge(pushed, status);
            decided = merged != pushed && merged.isTerminal();
            if (merged != pushed) {
                pushedTimestamp = recordTimestamp;
                pushedPath = path;
            }
            pushed = merged;
        }
        if (decided) {
            wakeNow();
        } else {
            wake();
        }
    }

    /** The client went away, the stream timed out or the application stops. */
    void close() {
        synchronized (this) {
            closed = true;
        }
        wake();
    }

    /** Ends the stream from outside (the application stops); the client reconnects elsewhere. */
    void end() {
        close();
        FluxSink<ServerSentEvent<String>> connection;
        synchronized (this) {
            connection = sink;
        }
        if (connection != null) {
            connection.complete();
        }
    }

    /** Asks for a step; runs at most one at a time, and one more if asked meanwhile. */
    void wake() {
        if (wanted.getAndIncrement() == 0) {
            if (!owner.run(this::steps)) {
                // The application stops: nothing will run this stream any more.
                finish();
            }
        }
    }

    /**
     * Asks for a step at once, ahead of the routine steps (heartbeats, queued updates) of every
     * other stream: a decision must not wait behind ten thousand heartbeats. A routine run may be
     * queued already; this one does not wait for it, and whichever runs first does the work.
     */
    private void wakeNow() {
        wanted.getAndIncrement();
        if (!owner.runNow(this::steps)) {
            finish();
        }
    }

    /**
     * Runs the steps asked for, one at a time: several runs may be queued (a routine one and an
     * urgent one), only the one holding {@link #stepping} works, and it goes on until nothing more
     * is asked. A request that arrives as a run lets go is seen by the check after it lets go.
     */
    private void steps() {
        while (wanted.get() != 0 && stepping.tryLock()) {
            try {
                int asked;
                while ((asked = wanted.get()) != 0) {
                    if (!over) {
                        oneStep();
                    }
                    wanted.addAndGet(-asked);
                }
            } finally {
                stepping.unlock();
            }
        }
    }

    private void oneStep() {
        FluxSink<ServerSentEvent<String>> connection;
        OrderStatus heard;
        long heardTimestamp;
        String heardPath;
        boolean gone;
        synchronized (this) {
            connection = sink;
            heard = pushed;
            heardTimestamp = pushedTimestamp;
            heardPath = pushedPath;
            gone = closed;
        }
        long now = System.nanoTime();
        if (gone) {
            finish();
            return;
        }
        if (connection == null) {
            if (now - openedAt >= SUBSCRIBE_GRACE_NANOS) {
                log.debug("Event stream of order {}: the connection never started reading it", orderId);
                finish();
            }
            return;
        }
        if (now - openedAt >= timeoutNanos) {
            // Ends a very long stream; the client reconnects with Last-Event-ID and misses nothing.
            finish();
            return;
        }
        try {
            long next = step(connection, heard, heardTimestamp, heardPath, now);
            if (next < 0) {
                finish();
            } else {
                wakeIn(next);
            }
        } catch (RuntimeException bug) {
            log.error("Event stream of order {} failed", orderId, bug);
            connection.error(bug);
            finish();
        }
    }

    /**
     * Writes what is due; answers the nanoseconds until the next look, or -1 once the stream is over.
     */
    private long step(FluxSink<ServerSentEvent<String>> connection, OrderStatus heard, long heardTimestamp, String heardPath,
            long now) {
        long version = owner.views().queueVersion();
        boolean storeDue = lastStoreReadAt == 0 || now - lastStoreReadAt >= heartbeatNanos;
        if (heard == lastHeard && version == renderedVersion && !storeDue && lastQueued != null) {
            // Nothing new: neither the order nor the line moved. Only the heartbeat may be due.
            return heartbeat(connection, now);
        }
        if (connection.requestedFromDownstream() == 0) {
            // The client has not read what it was sent: look again when it asks for more (or at the heartbeat).
            return heartbeatNanos;
        }
        if (storeDue && (heard == null || !heard.isTerminal())) {
            // Now and then from the store too: a restored table announces nothing. Not once the
            // decision is known: nothing in the store can replace it, and the global store's lock
            // is contended while the table is busy.
            known = OrderStatus.merge(owner.views().find(orderId).orElse(null), known);
            lastStoreReadAt = now;
        }
        known = OrderStatus.merge(known, heard);
        lastHeard = heard;
        renderedVersion = version;
        OrderView view = owner.views().render(orderId, known);
        if (view.isTerminal()) {
            String name = view.status().name().toLowerCase(Locale.ROOT);
            send(connection, name, EventIds.terminal(view.updatedAt()), owner.json(view));
            if (heard != null && heard.isTerminal()) {
                // The decision arrived while this stream was open: its delivery time is meaningful.
                owner.delivered(heardTimestamp, heardPath);
            }
            return -1;
        }
        String json = owner.json(view);
        if (!json.equals(lastQueued)) {
            long since = now - lastQueuedAt;
            if (lastQueued != null && since < intervalNanos) {
                // At most one queued event per interval: come back when the next one is allowed, and render again then.
                renderedVersion = -1;
                return intervalNanos - since;
            }
            send(connection, "queued", EventIds.nextQueued(lastId, System.currentTimeMillis()), json);
            lastQueued = json;
            lastQueuedAt = now;
            return heartbeatNanos;
        }
        return heartbeat(connection, now);
    }

    private long heartbeat(FluxSink<ServerSentEvent<String>> connection, long now) {
        long due = lastWriteAt + heartbeatNanos - now;
        if (due > 0) {
            return Math.min(due, heartbeatNanos);
        }
        if (connection.requestedFromDownstream() == 0) {
            return heartbeatNanos;
        }
        connection.next(ServerSentEvent.<String>builder().comment("keep-alive").build());
        lastWriteAt = now;
        return heartbeatNanos;
    }

    private void send(FluxSink<ServerSentEvent<String>> connection, String name, long id, String json) {
        ServerSentEvent.Builder<String> event = ServerSentEvent.builder(json).id(Long.toString(id)).event(name);
        if (!retrySent) {
            event.retry(retry);
        }
        connection.next(event.build());
        retrySent = true;
        lastId = id;
        lastWriteAt = System.nanoTime();
        owner.sent(name);
    }

    private void wakeIn(long nanos) {
        ScheduledFuture<?> next = owner.later(this::wake, nanos);
        ScheduledFuture<?> previous;
        synchronized (this) {
            previous = timer;
            timer = next;
        }
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /** Once: completes the connection (a no-op if it ended first) and gives everything back. */
    private void finish() {
        if (over) {
            return;
        }
        over = true;
        FluxSink<ServerSentEvent<String>> connection;
        ScheduledFuture<?> pending;
        synchronized (this) {
            closed = true;
            connection = sink;
            pending = timer;
            timer = null;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        if (connection != null) {
            connection.complete();
        }
        owner.release(this);
    }
}
