package io.spillway.notifier.orders;

import java.time.Duration;
import java.util.Locale;

/**
 * One client's event stream of one thing that waits and then is decided (an order, an entry in a
 * room), as a state machine: it decides what to write and when to look again, and its host
 * ({@link Subscription}) carries that out on a connection, a worker pool and a timer. It holds no
 * thread, no connection and no clock: every input comes with the time. What the thing is, how two
 * of its states merge and how a state looks to a client is its {@link Story}: {@link OrderStream}
 * tells an order's, the notifier's {@code entries} feature an entry's.
 *
 * <p>States: {@link State#NEW} until the first event is written, then {@link State#QUEUED} (waiting),
 * then {@link State#HELD} once a held frame was written (an order confirmed with a hold: the stream
 * stays open, with heartbeats, until the hold ends), then {@link State#ENDED} for good. Inputs: the
 * thing's status ({@link #offer}), and a {@link #step} with the client's demand ({@link Client}) and
 * the time; each step also reads the line's version, and the store now and then, through the story.
 * Output of a step: at most one thing to write ({@link Event} or {@link Comment}), and when to step
 * again, or that the stream is over.
 *
 * <p>The rules (the contract's, and this notifier's timings):
 * <ul>
 *   <li>The current state at once, then every change; the first event carries {@code retry:}.
 *   <li>A waiting event ({@code queued}, {@code waiting}) only when its data changed, and at most one
 *       per {@link Timings#queuedUpdateInterval}; a step inside the interval asks to step again when
 *       the next one is allowed.
 *   <li>A comment when nothing was written for {@link Timings#heartbeat}.
 *   <li>Ids from {@link EventIds}: a waiting id above the last one the client has
 *       ({@code Last-Event-ID} included); a held id from the story, not repeated to a client that
 *       has it; the terminal event's id from the story (the decision or end time). A client that
 *       already holds a terminal id gets nothing more; one that holds a held id gets no waiting event.
 *   <li>A held frame is not terminal: a change of it is sent again; a terminal frame ends the stream.
 *   <li>The terminal event is written once, and ends the stream; nothing replaces it.
 *   <li>A slow client (it has not read what it was sent) is written nothing; it gets the newest
 *       state when it asks for more, so intermediate waiting states are lost, the terminal one never is.
 *   <li>The store is read again once per heartbeat while the thing is not decided: a restored
 *       table announces nothing.
 *   <li>The stream ends when the client is gone, when the connection never started reading
 *       within {@link Timings#subscribeGrace}, or after {@link Timings#timeout} (the client
 *       reconnects with {@code Last-Event-ID}).
 * </ul>
 *
 * <p>Several roads may bring a status here ({@link Road}); {@link #offer} merges them with the
 * story's {@link Story#merge}: <em>only a higher rank moves it</em>, whichever road brings it, and
 * the first of a rank wins. So a stream writes one terminal event whichever road is first, and the
 * delivery metric is charged to that road.
 *
 * <p>Limits: {@link #offer} may be called from any thread; everything else only from one step at
 * a time (the host's lock). A step must not block: what the story reads is local.
 *
 * @param <K> the thing's id
 * @param <S> its status (null: not known)
 */
public class EventStream<K, S> {

    /**
     * What a stream knows of the thing it follows: its state machine, its row in the local store, and
     * how a status looks to a client.
     */
    public interface Story<K, S> {

        /** Changes whenever a rendered place in line may have changed. */
        long queueVersion();

        /** The thing's row in the local store; null while it is not visible. */
        S stored(K key);

        /** The thing's state machine: {@code current} itself when {@code update} brings nothing new (either may be null). */
        S merge(S current, S update);

        /** 0 while waiting; higher as the thing is decided (a terminal state has the highest rank). */
        int rank(S status);

        boolean isTerminal(S status);

        /** @param known null while the thing is not visible */
        Frame render(K key, S known);

        /** Whether a decision heard while the stream was open is timed ({@link Step#delivered}). */
        default boolean timesDelivery() {
            return true;
        }
    }

    /** How a status is sent: waiting (paced), held (open, resent on change) or terminal. */
    public enum Kind {
        WAITING,
        HELD,
        TERMINAL
    }

    /**
     * One status as the client sees it.
     *
     * @param name the event's name
     * @param data the event's {@code data:}
     * @param id for {@link Kind#HELD} and {@link Kind#TERMINAL}: the event's natural id
     *     ({@link EventIds}); ignored while waiting
     */
    public record Frame(Kind kind, String name, String data, long id) {

        public static Frame waiting(String name, String data) {
            return new Frame(Kind.WAITING, name, data, 0);
        }
    }

    /**
     * @param subscribeGrace a stream whose connection never started reading is given up after this
     */
    public record Timings(Duration queuedUpdateInterval, Duration heartbeat, Duration timeout, Duration retry,
            Duration subscribeGrace) {

        long intervalNanos() {
            return queuedUpdateInterval.toNanos();
        }

        long heartbeatNanos() {
            return heartbeat.toNanos();
        }
    }

    public enum State {
        /** Nothing written yet. */
        NEW,
        /** A waiting event was written; changes follow. */
        QUEUED,
        /** A held event was written; the end follows. */
        HELD,
        /** The terminal event was written, or the stream ended otherwise: nothing more. */
        ENDED
    }

    /** The client side of the connection, as the host sees it when it asks for a step. */
    public enum Client {
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
     * Which road brought a status: a direct feed of decisions, a table (the order-status table, the
     * admissions view), or the system of record (PostgreSQL's {@code orders}, asked when the table
     * cannot answer).
     */
    public enum Road {
        DIRECT,
        TABLE,
        RECORD;

        /** The metrics' tag value. */
        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a step writes. */
    public sealed interface Write permits Event, Comment {}

    /** @param retry the reconnection delay, on the stream's first event only; null on the others */
    public record Event(String name, long id, String data, Duration retry) implements Write {}

    /** A comment line: keeps the connection alive. */
    public record Comment(String text) implements Write {

        static final Comment KEEP_ALIVE = new Comment("keep-alive");
    }

    /** A decision written to the client while the stream was open: its record's timestamp and road. */
    public record Delivered(long recordTimestamp, Road road) {}

    /**
     * @param write null when nothing is written
     * @param wakeInNanos when to step again, unless something asks earlier; {@link #END} once the stream is over
     * @param delivered the decision this step wrote, when it was heard while the stream was open
     *     (its delivery time means something); null otherwise
     */
    public record Step(Write write, long wakeInNanos, Delivered delivered) {

        static final long END = -1;

        static final Step ENDED = new Step(null, END, null);

        static Step lookAgainIn(long nanos) {
            return new Step(null, nanos, null);
        }

        static Step write(Write write, long wakeInNanos) {
            return new Step(write, wakeInNanos, null);
        }

        public boolean ends() {
            return wakeInNanos == END;
        }
    }

    /** A status as it was heard: the record's timestamp and the road. */
    private record Heard<S>(S status, long recordTimestamp, Road road) {}

    /** What {@link #offer} made of a status. */
    public enum Offered {
        /** Nothing new: a repeat, or a waiting state after the decision. */
        UNCHANGED,
        /** A newer state to write in the routine way. */
        CHANGED,
        /** A decision (a higher rank) heard first now: worth a step at once. */
        DECIDED
    }

    private final K key;
    private final Timings timings;
    private final Story<K, S> story;
    private final long openedAt;

    // Guarded by this: offers come from Kafka threads.
    private Heard<S> pushed;

    // Only steps touch these, one step at a time.
    private State state = State.NEW;
    private long lastId;
    private String lastQueued;
    private String lastHeld;
    /** The rank of the last decision written: a decision is delivered once per rank. */
    private int writtenRank;
    private long lastQueuedAt;
    private long lastWriteAt;
    private Heard<S> lastHeard;
    private S known;
    private long lastStoreReadAt;
    private boolean storeRead;
    private long renderedVersion = -1;

    /**
     * @param lastEventId the client's {@code Last-Event-ID}, {@link EventIds#NONE} without one
     * @param openedAt now, in the steps' nanosecond time
     */
    public EventStream(K key, long lastEventId, Timings timings, Story<K, S> story, long openedAt) {
        this.key = key;
        this.timings = timings;
        this.story = story;
        this.lastId = Math.max(0, lastEventId);
        this.openedAt = openedAt;
        this.lastWriteAt = openedAt;
    }

    /** A client presenting this id already has the end of the story: it is answered without a stream. */
    public static boolean hasTheEnd(long lastEventId) {
        return EventIds.isTerminal(lastEventId);
    }

    K key() {
        return key;
    }

    public State state() {
        return state;
    }

    /** A new value of the thing, from any road (the rule is in the class comment); any thread, never blocks. */
    public Offered offer(S status, long recordTimestamp, Road road) {
        synchronized (this) {
            S current = pushed == null ? null : pushed.status();
            S merged = story.merge(current, status);
            if (merged == current) {
                return Offered.UNCHANGED;
            }
            pushed = new Heard<>(merged, recordTimestamp, road);
            return story.rank(merged) > (current == null ? 0 : story.rank(current)) ? Offered.DECIDED : Offered.CHANGED;
        }
    }

    /**
     * Writes what is due.
     *
     * @param now the steps' nanosecond time (the one {@code openedAt} was given in)
     * @param nowMillis wall-clock time, for the ids of waiting events
     */
    public Step step(Client client, long now, long nowMillis) {
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
        Heard<S> heard;
        synchronized (this) {
            heard = pushed;
        }
        long version = story.queueVersion();
        long heartbeat = timings.heartbeatNanos();
        boolean storeDue = !storeRead || now - lastStoreReadAt >= heartbeat;
        if (heard == lastHeard && version == renderedVersion && !storeDue && (lastQueued != null || lastHeld != null)) {
            // Nothing new: neither the thing nor the line moved. Only the heartbeat may be due.
            return heartbeat(client, now);
        }
        if (client == Client.SLOW) {
            // The client has not read what it was sent: look again when it asks for more (or at the heartbeat).
            return Step.lookAgainIn(heartbeat);
        }
        S heardStatus = heard == null ? null : heard.status();
        if (storeDue && (heardStatus == null || !story.isTerminal(heardStatus))) {
            // Not once the decision is known: nothing in the store can replace it, and the order-status
            // table's lock is contended while the table is busy.
            known = story.merge(story.stored(key), known);
            lastStoreReadAt = now;
            storeRead = true;
        }
        known = story.merge(known, heardStatus);
        lastHeard = heard;
        renderedVersion = version;
        Frame frame = story.render(key, known);
        int knownRank = known == null ? 0 : story.rank(known);
        // A decision heard while this stream was open has a meaningful delivery time; one read from the
        // system of record was made long before.
        Delivered delivered = story.timesDelivery() && knownRank > 0 && knownRank > writtenRank && heardStatus != null
                && story.rank(heardStatus) == knownRank && heard.road() != Road.RECORD
                ? new Delivered(heard.recordTimestamp(), heard.road()) : null;
        switch (frame.kind()) {
            case TERMINAL -> {
                Event event = event(frame.name(), frame.id(), frame.data(), now);
                state = State.ENDED;
                return new Step(event, Step.END, delivered);
            }
            case HELD -> {
                return held(frame, knownRank, client, now, delivered);
            }
            case WAITING -> {}
        }
        if (EventIds.isHeld(lastId)) {
            // The client already had the held frame; this instance does not know it yet.
            return heartbeat(client, now);
        }
        String json = frame.data();
        if (!json.equals(lastQueued)) {
            long since = now - lastQueuedAt;
            if (lastQueued != null && since < timings.intervalNanos()) {
                // Come back when the next waiting event is allowed, and render again then.
                renderedVersion = -1;
                return Step.lookAgainIn(timings.intervalNanos() - since);
            }
            Event event = event(frame.name(), EventIds.nextQueued(lastId, nowMillis), json, now);
            lastQueued = json;
            lastQueuedAt = now;
            state = State.QUEUED;
            return Step.write(event, timings.heartbeatNanos());
        }
        return heartbeat(client, now);
    }

    /** A held frame: sent when it changed and the client does not have it yet; the stream stays open. */
    private Step held(Frame frame, int knownRank, Client client, long now, Delivered delivered) {
        String json = frame.data();
        if (json.equals(lastHeld)) {
            return heartbeat(client, now);
        }
        lastHeld = json;
        state = State.HELD;
        writtenRank = knownRank;
        long natural = frame.id();
        if (lastId >= natural) {
            // Resumed: the client already has this frame.
            return heartbeat(client, now);
        }
        Event event = event(frame.name(), Math.max(lastId + 1, natural), json, now);
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
