package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.notifier.status.OrderStatus;
import java.time.Duration;
import java.util.Locale;

/**
 * One client's event stream of one order, as a state machine: it decides what to write and when to
 * look again, and its host ({@link Subscription}) carries that out on a connection, a worker pool
 * and a timer. It holds no thread, no connection and no clock: every input comes with the time.
 *
 * <p>States: {@link State#NEW} until the first event is written, then {@link State#QUEUED}, then
 * {@link State#HELD} once a held confirmation was written (a sale with a hold: the stream stays
 * open, with heartbeats, until the hold ends), then {@link State#ENDED} for good. Inputs: the order's status
 * ({@link #offer}), and a {@link #step} with the client's demand ({@link Client}) and the time;
 * each step also reads the queue's version, and the store now and then, through {@link Views}.
 * Output of a step: at most one thing to write ({@link Event} or {@link Comment}), and when to
 * step again, or that the stream is over.
 *
 * <p>The rules (the contract's, and this notifier's timings):
 * <ul>
 *   <li>The current state at once, then every change; the first event carries {@code retry:}.
 *   <li>A {@code queued} event only when its data changed, and at most one per
 *       {@link Timings#queuedUpdateInterval}; a step inside the interval asks to step again when
 *       the next one is allowed.
 *   <li>A comment when nothing was written for {@link Timings#heartbeat}.
 *   <li>Ids from {@link EventIds}: a {@code queued} id above the last one the client has
 *       ({@code Last-Event-ID} included); a held {@code confirmed} id from the decision time (and
 *       a later payment decision shown on it), not repeated to a client that has it; the terminal
 *       event's id from the decision or end time. A client that already holds a terminal id gets
 *       nothing more; one that holds a held id gets no {@code queued} event.
 *   <li>A held order is sent as {@code confirmed} and is not terminal: a change of it (a refused
 *       payment) is sent again as {@code confirmed}; {@code paid}, {@code expired} or
 *       {@code cancelled} end the stream.
 *   <li>The terminal event is written once, and ends the stream; nothing replaces it.
 *   <li>A slow client (it has not read what it was sent) is written nothing; it gets the newest
 *       state when it asks for more, so intermediate {@code queued} states are lost, the terminal
 *       one never is.
 *   <li>The store is read again once per heartbeat while the order is not decided: a restored
 *       table announces nothing.
 *   <li>The stream ends when the client is gone, when the connection never started reading
 *       within {@link Timings#subscribeGrace}, or after {@link Timings#timeout} (the client
 *       reconnects with {@code Last-Event-ID}).
 * </ul>
 *
 * <p>Two roads bring a decision here, and this class is where they meet: the direct feed
 * ({@link DirectDecisions}, milliseconds) and the order-status table's change (two Kafka Streams
 * hops later; the road for late subscribers and restarts). The rule, applied by {@link #offer}
 * with {@link OrderStatus#merge}, the order's state machine: <em>only a higher rank moves it</em>
 * (queued, held, terminal), whichever road brings it, and the first of a rank wins. The same
 * result arriving later by the other road changes nothing and sends nothing; a request ({@code QUEUED}) arriving after a decision never overwrites it; a repeated
 * request keeps the first one's place. So a stream writes one terminal event whichever road is
 * first, and the delivery metric is charged to that road. A third road serves orders the table
 * no longer holds: the system of record ({@link Road#RECORD}), asked by the host when a read of
 * the store finds nothing to end with; its decision is offered like the others (and is no
 * delivery: it was made before the stream opened).
 *
 * <p>Limits: {@link #offer} may be called from any thread; everything else only from one step at
 * a time (the host's lock). A step must not block: the {@link Views} it reads are local.
 */
final class OrderStream {

    /** What a stream reads from its host: the order's row in the store, and how a status looks to a client. */
    interface Views {

        /** Changes whenever a rendered queue place may have changed. */
        long queueVersion();

        /** The order's row in the local store; null while the order is not visible. */
        OrderStatus stored(OrderId orderId);

        /** @param known null while the order is not visible */
        OrderView render(OrderId orderId, OrderStatus known);

        /** The {@code data:} of an event. */
        String json(OrderView view);
    }

    /**
     * @param subscribeGrace a stream whose connection never started reading is given up after this
     */
    record Timings(Duration queuedUpdateInterval, Duration heartbeat, Duration timeout, Duration retry,
            Duration subscribeGrace) {

        long intervalNanos() {
            return queuedUpdateInterval.toNanos();
        }

        long heartbeatNanos() {
            return heartbeat.toNanos();
        }
    }

    enum State {
        /** Nothing written yet. */
        NEW,
        /** A {@code queued} event was written; changes follow. */
        QUEUED,
        /** A held {@code confirmed} event was written; the hold's end follows. */
        HELD,
        /** The terminal event was written, or the stream ended otherwise: nothing more. */
        ENDED
    }

    /** The client side of the connection, as the host sees it when it asks for a step. */
    enum Client {
        /** The connection has not subscribed to the stream yet. */
        NOT_CONNECTED,
        /** It asked for more: an event may be written. */
        READY,
        /** It has not read what it was sent: nothing is written. */
        SLOW,
        /** It went away (or the server stops). */
        GONE
    }

    /**
     * Which road brought a status: the direct feed of decisions, the order-status table, or the
     * system of record (PostgreSQL's {@code orders}, asked when the table cannot answer).
     */
    enum Road {
        DIRECT,
        TABLE,
        RECORD;

        /** The metrics' tag value. */
        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a step writes. */
    sealed interface Write permits Event, Comment {}

    /** @param retry the reconnection delay, on the stream's first event only; null on the others */
    record Event(String name, long id, String data, Duration retry) implements Write {}

    /** A comment line: keeps the connection alive. */
    record Comment(String text) implements Write {

        static final Comment KEEP_ALIVE = new Comment("keep-alive");
    }

    /**
     * @param write null when nothing is written
     * @param wakeInNanos when to step again, unless something asks earlier; {@link #END} once the stream is over
     * @param delivered the decision this step wrote, when it was heard while the stream was open
     *     (its delivery time means something); null otherwise
     */
    record Step(Write write, long wakeInNanos, Heard delivered) {

        static final long END = -1;

        static final Step ENDED = new Step(null, END, null);

        static Step lookAgainIn(long nanos) {
            return new Step(null, nanos, null);
        }

        static Step write(Write write, long wakeInNanos) {
            return new Step(write, wakeInNanos, null);
        }

        boolean ends() {
            return wakeInNanos == END;
        }
    }

    /** A status as it was heard: the record's timestamp and the road. */
    record Heard(OrderStatus status, long recordTimestamp, Road road) {}

    /** What {@link #offer} made of a status. */
    enum Offered {
        /** Nothing new: a repeat, or a request after the decision. */
        UNCHANGED,
        /** A newer state to write in the routine way. */
        CHANGED,
        /** A decision or the end of a hold, heard first now: worth a step at once. */
        DECIDED
    }

    private final OrderId orderId;
    private final Timings timings;
    private final Views views;
    private final long openedAt;

    // Guarded by this: offers come from Kafka threads.
    private Heard pushed;

    // Only steps touch these, one step at a time.
    private State state = State.NEW;
    private long lastId;
    private String lastQueued;
    private String lastHeld;
    /** The rank of the last decision written: a decision is delivered once per rank. */
    private int writtenRank;
    private long lastQueuedAt;
    private long lastWriteAt;
    private Heard lastHeard;
    private OrderStatus known;
    private long lastStoreReadAt;
    private boolean storeRead;
    private long renderedVersion = -1;

    /**
     * @param lastEventId the client's {@code Last-Event-ID}, {@link EventIds#NONE} without one
     * @param openedAt now, in the steps' nanosecond time
     */
    OrderStream(OrderId orderId, long lastEventId, Timings timings, Views views, long openedAt) {
        this.orderId = orderId;
        this.timings = timings;
        this.views = views;
        this.lastId = Math.max(0, lastEventId);
        this.openedAt = openedAt;
        this.lastWriteAt = openedAt;
    }

    /** A client presenting this id already has the end of the story: it is answered without a stream. */
    static boolean hasTheEnd(long lastEventId) {
        return EventIds.isTerminal(lastEventId);
    }

    OrderId orderId() {
        return orderId;
    }

    State state() {
        return state;
    }

    /** A new value of the order, from either road (the rule is in the class comment); any thread, never blocks. */
    Offered offer(OrderStatus status, long recordTimestamp, Road road) {
        synchronized (this) {
            OrderStatus current = pushed == null ? null : pushed.status();
            OrderStatus merged = OrderStatus.merge(current, status);
            if (merged == current) {
                return Offered.UNCHANGED;
            }
            pushed = new Heard(merged, recordTimestamp, road);
            return merged.rank() > (current == null ? 0 : current.rank()) ? Offered.DECIDED : Offered.CHANGED;
        }
    }

    /**
     * Writes what is due.
     *
     * @param now the steps' nanosecond time (the one {@code openedAt} was given in)
     * @param nowMillis wall-clock time, for the ids of {@code queued} events
     */
    Step step(Client client, long now, long nowMillis) {
        if (state == State.ENDED) {
            return Step.ENDED;
        }
        switch (client) {
            case GONE -> {
                return end();
            }
            case NOT_CONNECTED -> {
                long left = openedAt + timings.subscribeGrace().toNanos() - now;
                return left > 0 ? Step.lookAgainIn(left) : end();
            }
            default -> {}
        }
        if (hasTheEnd(lastId) || now - openedAt >= timings.timeout().toNanos()) {
            // A very long stream ends; the client reconnects with Last-Event-ID and misses nothing.
            return end();
        }
        Heard heard;
        synchronized (this) {
            heard = pushed;
        }
        long version = views.queueVersion();
        long heartbeat = timings.heartbeatNanos();
        boolean storeDue = !storeRead || now - lastStoreReadAt >= heartbeat;
        if (heard == lastHeard && version == renderedVersion && !storeDue && (lastQueued != null || lastHeld != null)) {
            // Nothing new: neither the order nor the line moved. Only the heartbeat may be due.
            return heartbeat(client, now);
        }
        if (client == Client.SLOW) {
            // The client has not read what it was sent: look again when it asks for more (or at the heartbeat).
            return Step.lookAgainIn(heartbeat);
        }
        OrderStatus heardStatus = heard == null ? null : heard.status();
        if (storeDue && (heardStatus == null || !heardStatus.isTerminal())) {
            // Not once the decision is known: nothing in the store can replace it, and the global
            // store's lock is contended while the table is busy.
            known = OrderStatus.merge(views.stored(orderId), known);
            lastStoreReadAt = now;
            storeRead = true;
        }
        known = OrderStatus.merge(known, heardStatus);
        lastHeard = heard;
        renderedVersion = version;
        OrderView view = views.render(orderId, known);
        // A decision heard while this stream was open has a meaningful delivery time; one read from the
        // system of record was made long before.
        Heard delivered = known != null && known.isDecided() && known.rank() > writtenRank && heardStatus != null
                && heardStatus.rank() == known.rank() && heard.road() != Road.RECORD ? heard : null;
        if (view.isTerminal()) {
            String name = view.status().name().toLowerCase(Locale.ROOT);
            long id = switch (view.status()) {
                case PAID, EXPIRED, CANCELLED -> EventIds.ended(view.updatedAt());
                default -> EventIds.terminal(view.updatedAt());
            };
            Event event = event(name, id, views.json(view), now);
            state = State.ENDED;
            return new Step(event, Step.END, delivered);
        }
        if (view.isHeld()) {
            return held(view, client, now, delivered);
        }
        if (EventIds.isHeld(lastId)) {
            // The client already had the held confirmation; this instance does not know it yet.
            return heartbeat(client, now);
        }
        String json = views.json(view);
        if (!json.equals(lastQueued)) {
            long since = now - lastQueuedAt;
            if (lastQueued != null && since < timings.intervalNanos()) {
                // Come back when the next queued event is allowed, and render again then.
                renderedVersion = -1;
                return Step.lookAgainIn(timings.intervalNanos() - since);
            }
            Event event = event("queued", EventIds.nextQueued(lastId, nowMillis), json, now);
            lastQueued = json;
            lastQueuedAt = now;
            state = State.QUEUED;
            return Step.write(event, timings.heartbeatNanos());
        }
        return heartbeat(client, now);
    }

    /** A held order: {@code confirmed} when it changed and the client does not have it yet; the stream stays open. */
    private Step held(OrderView view, Client client, long now, Heard delivered) {
        String json = views.json(view);
        if (json.equals(lastHeld)) {
            return heartbeat(client, now);
        }
        lastHeld = json;
        state = State.HELD;
        writtenRank = known.rank();
        OrderStatus.Payment payment = known.payment();
        long natural = EventIds.held(payment != null && payment.decidedAt().isAfter(known.updatedAt())
                ? payment.decidedAt() : known.updatedAt());
        if (lastId >= natural) {
            // Resumed: the client already has this confirmation.
            return heartbeat(client, now);
        }
        Event event = event("confirmed", Math.max(lastId + 1, natural), json, now);
        return new Step(event, timings.heartbeatNanos(), delivered);
    }

    private Step heartbeat(Client client, long now) {
        long heartbeat = timings.heartbeatNanos();
        long due = lastWriteAt + heartbeat - now;
        if (due > 0) {
            return Step.lookAgainIn(Math.min(due, heartbeat));
        }
        if (client == Client.SLOW) {
            return Step.lookAgainIn(heartbeat);
        }
        lastWriteAt = now;
        return Step.write(Comment.KEEP_ALIVE, heartbeat);
    }

    private Event event(String name, long id, String json, long now) {
        Event event = new Event(name, id, json, state == State.NEW ? timings.retry() : null);
        lastId = id;
        lastWriteAt = now;
        return event;
    }

    private Step end() {
        state = State.ENDED;
        return Step.ENDED;
    }
}
