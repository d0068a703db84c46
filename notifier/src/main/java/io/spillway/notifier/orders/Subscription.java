package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.notifier.status.OrderStatus;
import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One client's event stream of one order, written by its own (virtual) thread so that a slow client
 * holds up nobody else. Changes only set the latest known state and wake the thread; the thread
 * writes the newest state it finds, so a slow client may miss intermediate {@code queued} states
 * but never the terminal one, which nothing can replace.
 *
 * <p>The thread also looks again every {@code queuedUpdateInterval}: the position moves without the
 * order changing, and the table may hold a state that was restored rather than announced.
 */
final class Subscription implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Subscription.class);

    private final OrderId orderId;
    private final SseEmitter emitter;
    private final Subscriptions owner;
    private final long intervalNanos;
    private final long heartbeatNanos;
    private final long retryMillis;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private OrderStatus pushed;
    private boolean woken;
    private boolean closed;

    // Only the subscription's thread touches these.
    private long lastId;
    private String lastQueued;
    private long lastQueuedAt;
    private long lastWriteAt;
    private boolean retrySent;

    Subscription(OrderId orderId, SseEmitter emitter, long lastEventId, Subscriptions owner) {
        this.orderId = orderId;
        this.emitter = emitter;
        this.owner = owner;
        this.lastId = Math.max(0, lastEventId);
        this.intervalNanos = owner.settings().queuedUpdateInterval().toNanos();
        this.heartbeatNanos = owner.settings().heartbeat().toNanos();
        this.retryMillis = owner.settings().retry().toMillis();
    }

    OrderId orderId() {
        return orderId;
    }

    SseEmitter emitter() {
        return emitter;
    }

    /** A new value of the order's row in the table; called on a Kafka Streams thread, never blocks on I/O. */
    void offer(OrderStatus status) {
        lock.lock();
        try {
            pushed = OrderStatus.merge(pushed, status);
            woken = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The client went away, the stream timed out or the application stops. */
    void close() {
        lock.lock();
        try {
            closed = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        try {
            lastWriteAt = System.nanoTime();
            long waitNanos = 0;
            while (awaitTurn(waitNanos)) {
                waitNanos = step();
                if (waitNanos < 0) {
                    return;
                }
            }
        } catch (IOException | IllegalStateException clientGone) {
            // IllegalStateException: the emitter was completed meanwhile (timeout, shutdown).
            // The container reports the broken connection itself; nothing is left to write to.
            log.debug("Event stream of order {} ended: {}", orderId, clientGone.toString());
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException bug) {
            log.error("Event stream of order {} failed", orderId, bug);
            emitter.completeWithError(bug);
        } finally {
            owner.release(this);
        }
    }

    private boolean awaitTurn(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (!woken && !closed && nanos > 0) {
                nanos = wake.awaitNanos(nanos);
            }
            woken = false;
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    private OrderStatus pushed() {
        lock.lock();
        try {
            return pushed;
        } finally {
            lock.unlock();
        }
    }

    /** Writes what is due; answers the nanoseconds until the next look, or -1 once the stream is over. */
    private long step() throws IOException {
        OrderStatus known = OrderStatus.merge(owner.views().find(orderId).orElse(null), pushed());
        OrderView view = owner.views().render(orderId, known);
        if (view.isTerminal()) {
            String name = view.status().name().toLowerCase(java.util.Locale.ROOT);
            send(name, EventIds.terminal(view.updatedAt()), owner.json(view));
            emitter.complete();
            return -1;
        }
        long now = System.nanoTime();
        String json = owner.json(view);
        if (!json.equals(lastQueued)) {
            long since = now - lastQueuedAt;
            if (lastQueued != null && since < intervalNanos) {
                // At most one queued event per interval: come back when the next one is allowed.
                return intervalNanos - since;
            }
            send("queued", EventIds.nextQueued(lastId, System.currentTimeMillis()), json);
            lastQueued = json;
            lastQueuedAt = now;
        } else if (now - lastWriteAt >= heartbeatNanos) {
            emitter.send(SseEmitter.event().comment("keep-alive"));
            lastWriteAt = now;
        }
        return intervalNanos;
    }

    private void send(String name, long id, String json) throws IOException {
        SseEmitter.SseEventBuilder event = SseEmitter.event().id(Long.toString(id)).name(name).data(json);
        if (!retrySent) {
            event.reconnectTime(retryMillis);
        }
        emitter.send(event);
        retrySent = true;
        lastId = id;
        lastWriteAt = System.nanoTime();
        owner.sent(name);
    }
}
