package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.OrderId;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.notifier.orders.EventStream.Client;
import io.spillway.notifier.orders.EventStream.Comment;
import io.spillway.notifier.orders.EventStream.Event;
import io.spillway.notifier.orders.EventStream.Offered;
import io.spillway.notifier.orders.EventStream.Road;
import io.spillway.notifier.orders.EventStream.State;
import io.spillway.notifier.orders.EventStream.Step;
import io.spillway.notifier.status.OrderState;
import io.spillway.notifier.status.OrderStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The event stream of one order, stepped by hand: explicit times, a fake store and queue model, no sockets. */
class OrderStreamTest {

    private static final OrderId ORDER = new OrderId(UUID.fromString("6f1c2a8e-1b9e-4a53-9d1e-0c3f5b7a9e21"));
    private static final Instant REQUESTED_AT = Instant.parse("2026-12-24T09:00:00Z");
    private static final Instant DECIDED_AT = Instant.parse("2026-12-24T09:00:07.250Z");
    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final OrderStream.Timings TIMINGS = new OrderStream.Timings(
            Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(30), Duration.ofSeconds(3),
            Duration.ofSeconds(30));

    private final FakeViews views = new FakeViews();
    /** The steps' nanosecond time; deliberately not zero. */
    private long now = 5 * SECOND;
    /** Wall-clock milliseconds, for the ids of queued events. */
    private long millis = 1_798_102_800_000L;

    private OrderStream open(long lastEventId) {
        return new OrderStream(ORDER, lastEventId, TIMINGS, views, now);
    }

    private Step step(OrderStream stream, Client client) {
        return stream.step(client, now, millis);
    }

    private void advance(long nanos) {
        now += nanos;
        millis += nanos / 1_000_000;
    }

    private static OrderStatus queued(long offset) {
        return new OrderStatus(ORDER, OrderState.QUEUED, SaleId.of("concert"), Sku.of("GA"), 1, List.of(), null,
                0, offset, REQUESTED_AT);
    }

    private static OrderStatus confirmed() {
        return new OrderStatus(ORDER, OrderState.CONFIRMED, SaleId.of("concert"), Sku.of("GA"), 1, List.of(), null,
                null, null, DECIDED_AT);
    }

    private static OrderStatus rejected() {
        return new OrderStatus(ORDER, OrderState.REJECTED, SaleId.of("concert"), Sku.of("GA"), 1, List.of(),
                RejectionReason.SOLD_OUT, null, null, DECIDED_AT);
    }

    private static final Instant EXPIRES_AT = DECIDED_AT.plusSeconds(600);
    private static final Instant ENDED_AT = EXPIRES_AT.plusSeconds(2);

    private static OrderStatus held() {
        return new OrderStatus(ORDER, OrderState.CONFIRMED, SaleId.of("concert"), Sku.of("GA"), 1, List.of(), null,
                null, null, DECIDED_AT, EXPIRES_AT, null);
    }

    private static OrderStatus ended(OrderState state, OrderStatus.Payment payment) {
        return new OrderStatus(ORDER, state, SaleId.of("concert"), Sku.of("GA"), 1, List.of(), null,
                null, null, ENDED_AT, EXPIRES_AT, payment);
    }

    private static OrderStatus refused(String ref, Instant decidedAt) {
        return new OrderStatus(ORDER, OrderState.QUEUED, null, null, null, List.of(), null, null, null, decidedAt,
                null, new OrderStatus.Payment(ref, PaymentOutcome.TOO_LATE, decidedAt));
    }

    @Test
    void aHeldConfirmationIsSentAndTheStreamStaysOpenWithHeartbeatsUntilThePaymentEndsIt() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);
        Event queued = event(step(stream, Client.READY));

        advance(SECOND);
        assertThat(stream.offer(held(), 1000L, Road.DIRECT)).isEqualTo(Offered.DECIDED);
        Step heldStep = step(stream, Client.READY);
        Event confirmed = event(heldStep);
        assertThat(confirmed.name()).isEqualTo("confirmed");
        assertThat(confirmed.id()).isEqualTo(EventIds.held(DECIDED_AT)).isGreaterThan(queued.id());
        assertThat(confirmed.data()).contains("status=CONFIRMED", "holdExpiresAt=" + EXPIRES_AT, "queue=null");
        assertThat(heldStep.ends()).isFalse();
        assertThat(heldStep.delivered().road()).isEqualTo(Road.DIRECT);
        assertThat(stream.state()).isEqualTo(State.HELD);
        assertThat(EventIds.isTerminal(confirmed.id())).isFalse();

        // Nothing happens for a while: only heartbeats, and the held confirmation is not repeated by the table.
        stream.offer(held(), 1200L, Road.TABLE);
        assertThat(step(stream, Client.READY).write()).isNull();
        advance(10 * SECOND);
        assertThat(step(stream, Client.READY).write()).isEqualTo(Comment.KEEP_ALIVE);
        advance(10 * SECOND);
        assertThat(step(stream, Client.READY).write()).isEqualTo(Comment.KEEP_ALIVE);

        assertThat(stream.offer(ended(OrderState.PAID,
                new OrderStatus.Payment("pay-1", PaymentOutcome.PAID, ENDED_AT)), 2000L, Road.TABLE))
                .isEqualTo(Offered.DECIDED);
        Step paidStep = step(stream, Client.READY);
        Event paid = event(paidStep);
        assertThat(paid.name()).isEqualTo("paid");
        assertThat(paid.id()).isEqualTo(EventIds.ended(ENDED_AT)).isGreaterThan(confirmed.id());
        assertThat(EventIds.isTerminal(paid.id())).isTrue();
        assertThat(paid.data()).contains("status=PAID", "payment=Payment[ref=pay-1, outcome=PAID]");
        assertThat(paidStep.ends()).isTrue();
        assertThat(paidStep.delivered().road()).isEqualTo(Road.TABLE);
        assertThat(stream.state()).isEqualTo(State.ENDED);
    }

    @Test
    void aRefusalDuringTheHoldIsSentAsConfirmedAgainAndTheExpiryEndsTheStreamOnce() {
        OrderStream stream = open(EventIds.NONE);
        stream.offer(held(), 1000L, Road.TABLE);
        Event confirmed = event(step(stream, Client.READY));

        advance(SECOND);
        stream.offer(refused("late-1", ENDED_AT), 2000L, Road.DIRECT);
        Event again = event(step(stream, Client.READY));
        assertThat(again.name()).isEqualTo("confirmed");
        assertThat(again.data()).contains("payment=Payment[ref=late-1, outcome=TOO_LATE]");
        assertThat(again.id()).isEqualTo(EventIds.held(ENDED_AT)).isGreaterThan(confirmed.id());

        stream.offer(ended(OrderState.EXPIRED, null), 3000L, Road.DIRECT);
        Step expiredStep = step(stream, Client.READY);
        Event expired = event(expiredStep);
        assertThat(expired.name()).isEqualTo("expired");
        assertThat(expired.data()).contains("status=EXPIRED", "outcome=TOO_LATE", "holdExpiresAt=" + EXPIRES_AT);
        assertThat(expired.id()).isGreaterThan(again.id());
        assertThat(expiredStep.ends()).isTrue();

        // The confirmation replayed afterwards changes nothing.
        assertThat(stream.offer(held(), 4000L, Road.TABLE)).isEqualTo(Offered.UNCHANGED);
        assertThat(step(stream, Client.READY).ends()).isTrue();
    }

    @Test
    void aClientResumingWithTheHeldIdIsNotSentTheConfirmationAgainNorQueuedEventsButGetsTheEnd() {
        long heldId = EventIds.held(DECIDED_AT);
        assertThat(OrderStream.hasTheEnd(heldId)).isFalse();

        // This instance's table has not caught up yet: nothing queued is news to this client.
        OrderStream stream = open(heldId);
        Step first = step(stream, Client.READY);
        assertThat(first.write()).isNull();
        assertThat(first.ends()).isFalse();

        stream.offer(held(), 1000L, Road.TABLE);
        assertThat(step(stream, Client.READY).write()).isNull();

        stream.offer(ended(OrderState.CANCELLED, null), 2000L, Road.TABLE);
        Step end = step(stream, Client.READY);
        assertThat(event(end).name()).isEqualTo("cancelled");
        assertThat(event(end).id()).isEqualTo(EventIds.ended(ENDED_AT));
        assertThat(end.ends()).isTrue();
    }

    @Test
    void aCancelBeforeTheOrderWasSeenEndsTheStreamAsCancelled() {
        OrderStream stream = open(EventIds.NONE);
        assertThat(event(step(stream, Client.READY)).name()).isEqualTo("queued");

        Instant endedAt = REQUESTED_AT.plusMillis(300);
        stream.offer(new OrderStatus(ORDER, OrderState.CANCELLED, null, null, null, List.of(), null, null, null,
                endedAt), 500L, Road.DIRECT);
        Step end = step(stream, Client.READY);

        assertThat(event(end).name()).isEqualTo("cancelled");
        assertThat(event(end).data()).contains("status=CANCELLED", "saleId=null", "queue=null");
        assertThat(event(end).id()).isEqualTo(EventIds.ended(endedAt));
        assertThat(end.ends()).isTrue();
    }

    private static Event event(Step step) {
        assertThat(step.write()).isInstanceOf(Event.class);
        return (Event) step.write();
    }

    @Test
    void theCurrentStateIsSentAtOnceWithRetryThenEveryChangeWithoutIt() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);

        Step first = step(stream, Client.READY);

        Event queued = event(first);
        assertThat(queued.name()).isEqualTo("queued");
        assertThat(queued.id()).isEqualTo(millis);
        assertThat(queued.data()).contains("position=7");
        assertThat(queued.retry()).isEqualTo(Duration.ofSeconds(3));
        assertThat(first.wakeInNanos()).isEqualTo(TIMINGS.heartbeatNanos());
        assertThat(stream.state()).isEqualTo(State.QUEUED);

        advance(2 * SECOND);
        views.move(6L);
        Event moved = event(step(stream, Client.READY));
        assertThat(moved.data()).contains("position=6");
        assertThat(moved.id()).isGreaterThan(queued.id());
        assertThat(moved.retry()).isNull();
    }

    @Test
    void anOrderNotVisibleYetIsSentAsQueuedWithoutAPlace() {
        OrderStream stream = open(EventIds.NONE);

        Event queued = event(step(stream, Client.READY));

        assertThat(queued.name()).isEqualTo("queued");
        assertThat(queued.data()).contains("status=QUEUED", "position=null");
    }

    @Test
    void theLineMovingWithTheSameRenderingSendsNothing() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);
        event(step(stream, Client.READY));

        advance(2 * SECOND);
        views.move(7L);
        Step step = step(stream, Client.READY);

        assertThat(step.write()).isNull();
        assertThat(step.ends()).isFalse();
    }

    @Test
    void queuedEventsAreAtMostOnePerIntervalAndTheNextComesWhenItIsAllowed() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);
        event(step(stream, Client.READY));

        advance(SECOND / 4);
        views.move(6L);
        Step early = step(stream, Client.READY);
        assertThat(early.write()).isNull();
        assertThat(early.wakeInNanos()).isEqualTo(SECOND * 3 / 4);

        // Nothing else happens until then: the step the timer asks for renders again and sends.
        advance(SECOND * 3 / 4);
        Event paced = event(step(stream, Client.READY));
        assertThat(paced.data()).contains("position=6");

        advance(SECOND - 1);
        views.move(5L);
        assertThat(step(stream, Client.READY).write()).isNull();
        advance(1);
        assertThat(event(step(stream, Client.READY)).data()).contains("position=5");
    }

    @Test
    void queuedIdsGrowEvenWhenTheWallClockDoesNot() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);
        long first = event(step(stream, Client.READY)).id();

        now += 2 * SECOND;
        views.move(6L);
        long second = event(step(stream, Client.READY)).id();

        assertThat(second).isEqualTo(first + 1);
    }

    @Test
    void aDecisionIsSentOnceWithItsTerminalIdAndEndsTheStream() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);
        event(step(stream, Client.READY));

        advance(SECOND / 10);
        assertThat(stream.offer(confirmed(), 1234L, Road.DIRECT)).isEqualTo(Offered.DECIDED);
        Step decided = step(stream, Client.READY);

        // Not held back by the queued events' interval.
        Event terminal = event(decided);
        assertThat(terminal.name()).isEqualTo("confirmed");
        assertThat(terminal.id()).isEqualTo(EventIds.terminal(DECIDED_AT));
        assertThat(terminal.retry()).isNull();
        assertThat(decided.ends()).isTrue();
        assertThat(decided.delivered().recordTimestamp()).isEqualTo(1234L);
        assertThat(decided.delivered().road()).isEqualTo(Road.DIRECT);
        assertThat(stream.state()).isEqualTo(State.ENDED);

        advance(20 * SECOND);
        stream.offer(rejected(), 5678L, Road.TABLE);
        Step after = step(stream, Client.READY);
        assertThat(after.write()).isNull();
        assertThat(after.ends()).isTrue();
    }

    @Test
    void aDecisionFromTheSystemOfRecordEndsAStreamTheTableCouldNotAnswerButIsNoDelivery() {
        // Not in the table (it left, or it is not restored): queued, place unknown.
        OrderStream stream = open(EventIds.NONE);
        assertThat(event(step(stream, Client.READY)).name()).isEqualTo("queued");

        assertThat(stream.offer(confirmed(), DECIDED_AT.toEpochMilli(), Road.RECORD)).isEqualTo(Offered.DECIDED);
        Step decided = step(stream, Client.READY);
        Event terminal = event(decided);
        assertThat(terminal.name()).isEqualTo("confirmed");
        // The same id as from the table: a client that got it elsewhere is not sent it again.
        assertThat(terminal.id()).isEqualTo(EventIds.terminal(DECIDED_AT));
        assertThat(decided.ends()).isTrue();
        // Decided before the stream opened: no delivery time to measure.
        assertThat(decided.delivered()).isNull();
    }

    /** The two roads' merge rule (OrderStream's class comment), both ways round. */
    @Test
    void theFirstDecisionToArriveWinsAndNeitherTheOtherRoadsCopyNorALateRequestChangesIt() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream direct = open(EventIds.NONE);
        assertThat(direct.offer(queued(10), 100L, Road.TABLE)).isEqualTo(Offered.CHANGED);
        event(step(direct, Client.READY));

        assertThat(direct.offer(confirmed(), 200L, Road.DIRECT)).isEqualTo(Offered.DECIDED);
        assertThat(direct.offer(confirmed(), 300L, Road.TABLE)).isEqualTo(Offered.UNCHANGED);
        assertThat(direct.offer(queued(10), 400L, Road.TABLE)).isEqualTo(Offered.UNCHANGED);
        Step decided = step(direct, Client.READY);
        assertThat(event(decided).name()).isEqualTo("confirmed");
        assertThat(decided.delivered().recordTimestamp()).isEqualTo(200L);
        assertThat(decided.delivered().road()).isEqualTo(Road.DIRECT);
        assertThat(decided.ends()).isTrue();
        // The table's copy after the terminal event was written: nothing more is sent.
        assertThat(direct.offer(confirmed(), 500L, Road.TABLE)).isEqualTo(Offered.UNCHANGED);
        assertThat(step(direct, Client.READY).write()).isNull();

        // The other way round: the table first, the direct feed's copy and a late request after it.
        OrderStream table = open(EventIds.NONE);
        assertThat(table.offer(rejected(), 600L, Road.TABLE)).isEqualTo(Offered.DECIDED);
        assertThat(table.offer(rejected(), 700L, Road.DIRECT)).isEqualTo(Offered.UNCHANGED);
        assertThat(table.offer(queued(10), 800L, Road.TABLE)).isEqualTo(Offered.UNCHANGED);
        Step tableDecided = step(table, Client.READY);
        assertThat(event(tableDecided).name()).isEqualTo("rejected");
        assertThat(tableDecided.delivered().recordTimestamp()).isEqualTo(600L);
        assertThat(tableDecided.delivered().road()).isEqualTo(Road.TABLE);
        assertThat(step(table, Client.READY).write()).isNull();
    }

    @Test
    void aDecisionAlreadyInTheStoreIsTheFirstAndOnlyEventWithRetry() {
        views.stored = rejected();
        OrderStream stream = open(EventIds.NONE);

        Step step = step(stream, Client.READY);

        Event terminal = event(step);
        assertThat(terminal.name()).isEqualTo("rejected");
        assertThat(terminal.data()).contains("SOLD_OUT");
        assertThat(terminal.retry()).isEqualTo(Duration.ofSeconds(3));
        assertThat(step.ends()).isTrue();
        // Decided before the stream opened: no delivery time to measure.
        assertThat(step.delivered()).isNull();
    }

    @Test
    void aResumedStreamSendsTheCurrentStateWithAnIdAboveTheClients() {
        views.stored = queued(10);
        views.position = 7L;
        long clientHas = millis + 60_000;
        OrderStream stream = open(clientHas);

        Event queued = event(step(stream, Client.READY));

        assertThat(queued.id()).isEqualTo(clientHas + 1);
    }

    @Test
    void aClientThatHasAQueuedIdGetsTheDecision() {
        views.stored = confirmed();
        OrderStream stream = open(millis - 5_000);

        Step step = step(stream, Client.READY);

        assertThat(event(step).id()).isEqualTo(EventIds.terminal(DECIDED_AT));
        assertThat(step.ends()).isTrue();
    }

    @Test
    void aClientThatHoldsTheTerminalIdOrALaterOneGetsNothingMore() {
        views.stored = confirmed();
        long terminalId = EventIds.terminal(DECIDED_AT);

        assertThat(OrderStream.hasTheEnd(EventIds.TERMINAL_BASE - 1)).isFalse();
        for (long clientHas : new long[] {terminalId, terminalId + 1, EventIds.TERMINAL_BASE}) {
            assertThat(OrderStream.hasTheEnd(clientHas)).isTrue();
            OrderStream stream = open(clientHas);
            Step step = step(stream, Client.READY);
            assertThat(step.write()).as("Last-Event-ID %d", clientHas).isNull();
            assertThat(step.ends()).isTrue();
        }
    }

    @Test
    void aSilentStreamGetsAHeartbeatCommentEveryHeartbeat() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);
        event(step(stream, Client.READY));

        advance(4 * SECOND);
        Step quiet = step(stream, Client.READY);
        assertThat(quiet.write()).isNull();
        assertThat(quiet.wakeInNanos()).isEqualTo(6 * SECOND);

        advance(6 * SECOND);
        Step beat = step(stream, Client.READY);
        assertThat(beat.write()).isEqualTo(Comment.KEEP_ALIVE);
        assertThat(beat.wakeInNanos()).isEqualTo(10 * SECOND);

        advance(10 * SECOND);
        assertThat(step(stream, Client.READY).write()).isEqualTo(Comment.KEEP_ALIVE);
    }

    @Test
    void aSlowClientGetsNoHeartbeatUntilItReadsAgain() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);
        event(step(stream, Client.READY));

        advance(10 * SECOND);
        Step slow = step(stream, Client.SLOW);
        assertThat(slow.write()).isNull();
        assertThat(slow.wakeInNanos()).isEqualTo(10 * SECOND);

        advance(SECOND);
        assertThat(step(stream, Client.READY).write()).isEqualTo(Comment.KEEP_ALIVE);
    }

    @Test
    void aSlowClientLosesIntermediateQueuedUpdatesAndGetsTheNewest() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);
        event(step(stream, Client.READY));

        for (long position = 6; position >= 3; position--) {
            advance(2 * SECOND);
            views.move(position);
            Step slow = step(stream, Client.SLOW);
            assertThat(slow.write()).isNull();
            assertThat(slow.wakeInNanos()).isEqualTo(10 * SECOND);
        }
        advance(SECOND);
        Event newest = event(step(stream, Client.READY));

        assertThat(newest.data()).contains("position=3");
        assertThat(step(stream, Client.READY).write()).isNull();
    }

    @Test
    void aSlowClientNeverLosesTheDecision() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);
        event(step(stream, Client.READY));

        advance(2 * SECOND);
        views.move(6L);
        stream.offer(rejected(), 99L, Road.TABLE);
        assertThat(step(stream, Client.SLOW).write()).isNull();
        advance(2 * SECOND);
        assertThat(step(stream, Client.SLOW).write()).isNull();

        advance(SECOND);
        Step ready = step(stream, Client.READY);
        assertThat(event(ready).name()).isEqualTo("rejected");
        assertThat(ready.ends()).isTrue();
        assertThat(ready.delivered().road()).isEqualTo(Road.TABLE);
    }

    @Test
    void theStoreIsReadAgainEveryHeartbeatUntilTheDecisionIsKnown() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);
        event(step(stream, Client.READY));
        assertThat(views.storeReads).isEqualTo(1);

        advance(5 * SECOND);
        step(stream, Client.READY);
        assertThat(views.storeReads).isEqualTo(1);

        // A restored table announces nothing: the decision is found at the heartbeat's read.
        views.stored = confirmed();
        advance(5 * SECOND);
        Step step = step(stream, Client.READY);
        assertThat(views.storeReads).isEqualTo(2);
        assertThat(event(step).name()).isEqualTo("confirmed");
        assertThat(step.delivered()).isNull();
    }

    @Test
    void aDecisionHeardIsNotLookedUpInTheStore() {
        OrderStream stream = open(EventIds.NONE);
        stream.offer(confirmed(), 1L, Road.DIRECT);

        assertThat(event(step(stream, Client.READY)).name()).isEqualTo("confirmed");
        assertThat(views.storeReads).isZero();
    }

    @Test
    void aConnectionThatNeverStartsReadingIsGivenUpAfterTheGrace() {
        OrderStream stream = open(EventIds.NONE);

        Step waiting = step(stream, Client.NOT_CONNECTED);
        assertThat(waiting.write()).isNull();
        assertThat(waiting.wakeInNanos()).isEqualTo(30 * SECOND);

        advance(10 * SECOND);
        stream.offer(queued(10), 1L, Road.TABLE);
        assertThat(step(stream, Client.NOT_CONNECTED).wakeInNanos()).isEqualTo(20 * SECOND);

        advance(20 * SECOND);
        Step givenUp = step(stream, Client.NOT_CONNECTED);
        assertThat(givenUp.write()).isNull();
        assertThat(givenUp.ends()).isTrue();
        assertThat(stream.state()).isEqualTo(State.ENDED);
    }

    @Test
    void theStreamEndsWithoutAnEventWhenTheClientIsGone() {
        views.stored = queued(10);
        OrderStream stream = open(EventIds.NONE);
        event(step(stream, Client.READY));

        Step gone = step(stream, Client.GONE);

        assertThat(gone.write()).isNull();
        assertThat(gone.ends()).isTrue();
    }

    @Test
    void aLongStreamEndsAtTheTimeoutSoThatTheClientReconnects() {
        views.stored = queued(10);
        views.position = 7L;
        OrderStream stream = open(EventIds.NONE);
        event(step(stream, Client.READY));

        advance(Duration.ofMinutes(30).toNanos() - 1);
        assertThat(step(stream, Client.READY).ends()).isFalse();
        advance(1);
        Step timedOut = step(stream, Client.READY);

        assertThat(timedOut.write()).isNull();
        assertThat(timedOut.ends()).isTrue();
    }

    /** The store's row and the queue model, set by the test; a view's JSON is its record text. */
    private static final class FakeViews implements OrderStream.Views {

        OrderStatus stored;
        Long position;
        long version;
        int storeReads;

        void move(Long newPosition) {
            position = newPosition;
            version++;
        }

        @Override
        public long queueVersion() {
            return version;
        }

        @Override
        public OrderStatus stored(OrderId orderId) {
            storeReads++;
            return stored;
        }

        @Override
        public OrderView render(OrderId orderId, OrderStatus known) {
            if (known == null) {
                return new OrderView(orderId, OrderState.QUEUED, null, null, null, null, null,
                        new OrderView.Queue(null, null, 0), null, null, null);
            }
            OrderView.Queue place = known.isDecided() ? null : new OrderView.Queue(position, 60L, 0.5);
            return new OrderView(known.orderId(), known.state(), known.saleId(), known.sku(), known.quantity(),
                    known.seats(), known.reason(), place, known.holdExpiresAt(), OrderView.Payment.of(known.payment()),
                    known.updatedAt());
        }

        @Override
        public String json(OrderView view) {
            return view.toString();
        }
    }
}
