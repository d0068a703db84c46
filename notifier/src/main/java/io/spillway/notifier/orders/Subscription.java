package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.notifier.status.OrderStatus;
import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import jakarta.servlet.http.HttpServletRequest;
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

    private final HttpServletRequest request;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private OrderStatus pushed;
    private long pushedTimestamp;
    private boolean woken;
    private boolean closed;
    private boolean completed;

    // Only the subscription's thread touches these.
    private long lastId;
    private String lastQueued;
    private long lastQueuedAt;
    private long lastWriteAt;
    private boolean retrySent;
    private OrderStatus known;
    private OrderStatus lastHeard;
    private long lastStoreReadAt;
    private long renderedVersion = -1;

    Subscription(OrderId orderId, SseEmitter emitter, long lastEventId, Subscriptions owner, HttpServletRequest request) {
        this.request = request;
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
    void offer(OrderStatus status, long recordTimestamp) {
        lock.lock();
        try {
            OrderStatus merged = OrderStatus.merge(pushed, status);
            if (merged != pushed) {
                pushedTimestamp = recordTimestamp;
            }
            pushed = merged;
            woken = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The container finished the request: it must not be touched any more. */
    void completed() {
        lock.lock();
        try {
            completed = true;
        } finally {
            lock.unlock();
        }
        close();
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
        } catch (IOException clientGone) {
            // Completing here, not only waiting for the container to notice, is what returns the
            // async request (and its buffers) at once when a client vanished without a word.
            log.debug("Event stream of order {} lost its client: {}", orderId, clientGone.toString());
            release(clientGone);
        } catch (IllegalStateException completed) {
            // The emitter was completed meanwhile (timeout, shutdown): nothing is left to write to.
            log.debug("Event stream of order {} ended: {}", orderId, completed.toString());
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException bug) {
            log.error("Event stream of order {} failed", orderId, bug);
            emitter.completeWithError(bug);
        } finally {
            owner.release(this);
        }
    }

    /**
     * After a failed write Spring leaves completion to the container, and Tomcat only learns of a
     * reset connection when it next reads from it, which an event stream never does: the request,
     * its buffers and the connection would wait for the stream timeout. Completing the async
     * request here releases them at once. Guarded by {@link #completed} so that a request the
     * container already finished (and may recycle) is never touched.
     */
    private void release(IOException cause) {
        lock.lock();
        try {
            if (!completed && request.isAsyncStarted()) {
                request.getAsyncContext().complete();
            }
        } catch (IllegalStateException finishedMeanwhile) {
            log.trace("Event stream of order {} was finished by the container meanwhile", orderId, finishedMeanwhile);
        } finally {
            lock.unlock();
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

    /** Writes what is due; answers the nanoseconds until the next look, or -1 once the stream is over. */
    private long step() throws IOException {
        OrderStatus heard;
        long heardTimestamp;
        lock.lock();
        try {
            heard = pushed;
            heardTimestamp = pushedTimestamp;
        } finally {
            lock.unlock();
        }
        long now = System.nanoTime();
        long version = owner.views().queueVersion();
        boolean storeDue = lastStoreReadAt == 0 || now - lastStoreReadAt >= heartbeatNanos;
        if (heard == lastHeard && version == renderedVersion && !storeDue && lastQueued != null) {
            // Nothing new: neither the order nor the line moved. Only the heartbeat may be due.
            return heartbeat(now);
        }
        if (storeDue) {
            // Now and then from the store too: a restored table announces nothing.
            known = OrderStatus.merge(owner.views().find(orderId).orElse(null), known);
            lastStoreReadAt = now;
        }
        known = OrderStatus.merge(known, heard);
        lastHeard = heard;
        renderedVersion = version;
        OrderView view = owner.views().render(orderId, known);
        if (view.isTerminal()) {
            String name = view.status().name().toLowerCase(java.util.Locale.ROOT);
            send(name, EventIds.terminal(view.updatedAt()), owner.json(view));
            if (heard != null && heard.isTerminal()) {
                // The decision arrived while this stream was open: its delivery time is meaningful.
                owner.delivered(heardTimestamp);
            }
            emitter.complete();
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
            send("queued", EventIds.nextQueued(lastId, System.currentTimeMillis()), json);
            lastQueued = json;
            lastQueuedAt = now;
            return intervalNanos;
        }
        return heartbeat(now);
    }

    private long heartbeat(long now) throws IOException {
        if (now - lastWriteAt >= heartbeatNanos) {
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
