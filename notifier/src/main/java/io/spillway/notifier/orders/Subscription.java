package io.spillway.notifier.orders;

import io.spillway.notifier.orders.EventStream.Client;
import io.spillway.notifier.orders.EventStream.Comment;
import io.spillway.notifier.orders.EventStream.Event;
import io.spillway.notifier.orders.EventStream.Road;
import io.spillway.notifier.orders.EventStream.Step;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.FluxSink;

/**
 * Carries out one {@link EventStream} on its connection: feeds it the changes of what it follows, the
 * connection's demand and the time, writes what it answers and sets its timer. It holds no
 * thread: changes, the connection asking for more, and the timer (next queued event, heartbeat)
 * each ask for a step, and steps run one at a time on the subscriptions' small worker pool.
 *
 * <p>A step hands the connection an event only when the connection has asked for one (reactive
 * demand, which Reactor Netty grants as the socket drains). A slow client thus holds at most its
 * newest state here: the buffer per connection is bounded. The connection ending, for whatever
 * reason (client gone, reset, server stopping), disposes the sink, which ends the stream.
 *
 * <p>Limits: a step must not block (it reads the local store and renders JSON).
 */
final class Subscription<K, S> {

    private static final Logger log = LoggerFactory.getLogger(Subscription.class);

    private final EventStream<K, S> stream;
    private final Subscriptions owner;
    /** Steps asked for and not yet run; a routine caller starts a run only when it raises it from 0, a decision always does. */
    private final AtomicInteger wanted = new AtomicInteger();
    /** Held by the one run that does steps. */
    private final ReentrantLock stepping = new ReentrantLock();

    // Guarded by this.
    private FluxSink<ServerSentEvent<String>> sink;
    private boolean closed;
    private ScheduledFuture<?> timer;

    // Only steps touch it, one step at a time (and finish, once).
    private boolean over;

    Subscription(EventStream<K, S> stream, Subscriptions owner) {
        this.stream = stream;
        this.owner = owner;
    }

    K key() {
        return stream.key();
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
        wakeIn(owner.timings().subscribeGrace().toNanos());
    }

    /** A new value of what the stream follows, from any road (see {@link EventStream}); never blocks. */
    void offer(S status, long recordTimestamp, Road road) {
        if (stream.offer(status, recordTimestamp, road) == EventStream.Offered.DECIDED) {
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
        boolean gone;
        synchronized (this) {
            connection = sink;
            gone = closed;
        }
        Client client = gone ? Client.GONE
                : connection == null ? Client.NOT_CONNECTED
                : connection.requestedFromDownstream() == 0 ? Client.SLOW
                : Client.READY;
        try {
            Step step = stream.step(client, System.nanoTime(), System.currentTimeMillis());
            if (step.write() != null) {
                write(connection, step);
            }
            if (step.ends()) {
                if (client == Client.NOT_CONNECTED) {
                    log.debug("Event stream of {}: the connection never started reading it", key());
                }
                finish();
            } else {
                wakeIn(step.wakeInNanos());
            }
        } catch (RuntimeException bug) {
            log.error("Event stream of {} failed", key(), bug);
            if (connection != null) {
                connection.error(bug);
            }
            finish();
        }
    }

    private void write(FluxSink<ServerSentEvent<String>> connection, Step step) {
        switch (step.write()) {
            case Event event -> {
                ServerSentEvent.Builder<String> sse =
                        ServerSentEvent.builder(event.data()).id(Long.toString(event.id())).event(event.name());
                if (event.retry() != null) {
                    sse.retry(event.retry());
                }
                connection.next(sse.build());
                owner.sent(key(), event.name());
                if (step.delivered() != null) {
                    owner.delivered(step.delivered().recordTimestamp(), step.delivered().road());
                }
            }
            case Comment comment -> connection.next(ServerSentEvent.<String>builder().comment(comment.text()).build());
        }
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
