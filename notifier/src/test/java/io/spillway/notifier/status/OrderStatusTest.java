package io.spillway.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderPaid;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderResult;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.PaymentRefused;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link OrderStatus#merge}, the order's state machine: every pair of the events one order can be
 * told, in both orders, against the rule "the higher rank wins, a tie keeps the first; the payment
 * is the latest decision".
 */
class OrderStatusTest {

    static final OrderId ORDER = new OrderId(UUID.fromString("0b6c6d8e-3f7a-4c1e-9a2b-5d4e3f2a1b0c"));
    static final CustomerId BUYER = CustomerId.of("buyer");
    static final SaleId SALE = SaleId.of("concert");
    static final Sku VIP = Sku.of("VIP");
    static final List<SeatId> SEATS = List.of(SeatId.of("A-1"));
    static final Instant REQUESTED = Instant.parse("2026-12-24T09:00:00Z");
    static final Instant DECIDED = Instant.parse("2026-12-24T09:00:01Z");
    static final Instant EXPIRES = Instant.parse("2026-12-24T09:10:01Z");
    static final Instant PAID_AT = Instant.parse("2026-12-24T09:05:00Z");
    static final Instant ENDED = Instant.parse("2026-12-24T09:10:03Z");
    static final Instant LATE = Instant.parse("2026-12-24T09:20:00Z");
    static final int V = OrderEvent.SCHEMA_VERSION;

    static final OrderRequested REQUEST =
            OrderRequested.of(ORDER, BUYER, SALE, VIP, 1, SEATS, REQUESTED);

    /** Everything that can be said of one order, by name; not every pair happens in one order's life. */
    static Map<String, OrderStatus> updates() {
        Map<String, OrderStatus> updates = new LinkedHashMap<>();
        updates.put("request", OrderStatus.queued(REQUEST, 3, 42));
        updates.put("held", of(OrderConfirmed.of(REQUEST, SEATS, DECIDED, EXPIRES)));
        updates.put("final", of(OrderConfirmed.of(REQUEST, SEATS, DECIDED)));
        updates.put("rejected", of(OrderRejected.of(REQUEST, RejectionReason.SEAT_TAKEN, DECIDED)));
        updates.put("paid", of(paid()));
        updates.put("expired", of(new OrderExpired(V, ORDER, BUYER, SALE, VIP, 1, SEATS, EXPIRES, ENDED)));
        updates.put("cancelled", of(new OrderCancelled(V, ORDER, BUYER, SALE, VIP, 1, SEATS, true, EXPIRES, PAID_AT)));
        updates.put("cancelledWhileQueued", of(cancelledBeforeTheOrder()));
        updates.put("tooLate", of(new PaymentRefused(V, ORDER, "pay-2", PaymentOutcome.TOO_LATE, EXPIRES.plusSeconds(1), ENDED)));
        updates.put("notHeld", of(new PaymentRefused(V, ORDER, "pay-3", PaymentOutcome.NOT_HELD, LATE, LATE)));
        return updates;
    }

    static OrderPaid paid() {
        return new OrderPaid(V, ORDER, BUYER, SALE, VIP, 1, SEATS, "pay-1", PAID_AT.minusSeconds(1), EXPIRES, PAID_AT);
    }

    static OrderCancelled cancelledBeforeTheOrder() {
        return new OrderCancelled(V, ORDER, null, null, null, null, null, false, null, DECIDED.minusMillis(500));
    }

    static OrderStatus of(OrderResult result) {
        return OrderStatus.of(result);
    }

    @Test
    void everyPairInBothOrdersTakesTheHigherRankKeepsTheFirstOfATieAndTheLatestPayment() {
        Map<String, OrderStatus> updates = updates();
        List<String> checked = new ArrayList<>();
        updates.forEach((firstName, first) -> updates.forEach((secondName, second) -> {
            OrderStatus merged = OrderStatus.merge(OrderStatus.merge(null, first), second);
            String pair = firstName + " then " + secondName;

            OrderStatus winner = second.rank() > first.rank() ? second : first;
            assertThat(merged.state()).as(pair).isEqualTo(winner.state());
            assertThat(merged.rank()).as(pair).isEqualTo(Math.max(first.rank(), second.rank()));
            assertThat(merged.updatedAt()).as(pair).isEqualTo(
                    winner.isPaymentOnly() && !(second.isPaymentOnly() && first.isPaymentOnly()) ? second.updatedAt()
                            : winner.updatedAt());
            assertThat(merged.payment()).as(pair).isEqualTo(latest(first.payment(), second.payment()));
            // The place in line is the first request's; a request after a decision changes nothing.
            if (first.requestPartition() != null || second.requestPartition() != null && winner.rank() == 0) {
                assertThat(merged.requestPartition()).as(pair).isEqualTo(3);
                assertThat(merged.requestOffset()).as(pair).isEqualTo(42L);
            }
            // A hold's end that does not say the expiry (a cancel's early copy) keeps the held order's.
            boolean endKeepsExpiry = winner == second && winner.holdExpiresAt() == null
                    && List.of(OrderState.PAID, OrderState.EXPIRED, OrderState.CANCELLED).contains(winner.state());
            assertThat(merged.holdExpiresAt()).as(pair)
                    .isEqualTo(endKeepsExpiry ? first.holdExpiresAt() : winner.holdExpiresAt());
            // Whatever said what the order was, the row says it, whichever came first.
            if (first.saleId() != null || second.saleId() != null) {
                assertThat(merged.saleId()).as(pair).isEqualTo(SALE);
                assertThat(merged.quantity()).as(pair).isEqualTo(1);
            }
            if (firstName.equals(secondName)) {
                assertThat(merged).as(pair + ": a repeat changes nothing").isSameAs(OrderStatus.merge(null, first));
            }
            checked.add(pair);
        }));
        assertThat(checked).hasSize(updates.size() * updates.size());
    }

    private static OrderStatus.Payment latest(OrderStatus.Payment a, OrderStatus.Payment b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return b.decidedAt().isAfter(a.decidedAt()) ? b : a;
    }

    @Test
    void pairsThatHappenInOneOrdersLifeEndTheSameWhicheverArrivesFirst() {
        Map<String, OrderStatus> updates = updates();
        List<List<String>> lives = List.of(
                List.of("request", "held", "paid", "notHeld"),
                List.of("request", "held", "expired", "tooLate"),
                List.of("request", "held", "cancelled", "notHeld"),
                List.of("request", "final"),
                List.of("request", "rejected"),
                List.of("request", "cancelledWhileQueued"));
        for (List<String> life : lives) {
            for (String a : life) {
                for (String b : life) {
                    OrderStatus ab = OrderStatus.merge(updates.get(a), updates.get(b));
                    OrderStatus ba = OrderStatus.merge(updates.get(b), updates.get(a));
                    // The same but for the place in line, which only a request before the decision leaves.
                    assertThat(withoutPlace(ab)).as(a + " and " + b).isEqualTo(withoutPlace(ba));
                }
            }
        }
    }

    private static OrderStatus withoutPlace(OrderStatus s) {
        return new OrderStatus(s.orderId(), s.state(), s.saleId(), s.sku(), s.quantity(), s.seats(), s.reason(),
                null, null, s.updatedAt(), s.holdExpiresAt(), s.payment());
    }

    @Test
    void aHeldOrderIsDecidedButNotTerminalAndItsEndIsTerminal() {
        Map<String, OrderStatus> updates = updates();
        OrderStatus held = updates.get("held");
        assertThat(held.state()).isEqualTo(OrderState.CONFIRMED);
        assertThat(held.isHeld()).isTrue();
        assertThat(held.isDecided()).isTrue();
        assertThat(held.isTerminal()).isFalse();
        assertThat(updates.get("final").isTerminal()).isTrue();
        for (String end : List.of("rejected", "paid", "expired", "cancelled", "cancelledWhileQueued")) {
            assertThat(updates.get(end).isTerminal()).as(end).isTrue();
        }
        assertThat(updates.get("request").isDecided()).isFalse();
        assertThat(updates.get("tooLate").isDecided()).isFalse();
    }

    @Test
    void aConfirmationReplayedAfterTheHoldExpiredChangesNothing() {
        OrderStatus held = OrderStatus.merge(updates().get("request"), updates().get("held"));
        OrderStatus expired = OrderStatus.merge(held, updates().get("expired"));

        OrderStatus replayed = OrderStatus.merge(expired, updates().get("held"));

        assertThat(replayed).isSameAs(expired);
        assertThat(replayed.state()).isEqualTo(OrderState.EXPIRED);
        assertThat(replayed.holdExpiresAt()).isEqualTo(EXPIRES);
        assertThat(replayed.updatedAt()).isEqualTo(ENDED);
        assertThat(replayed.requestOffset()).isEqualTo(42L);
    }

    @Test
    void aCancelBeforeTheOrderIsCancelledWithNothingElseKnownAndKeepsTheRequestsFieldsWhenItCameFirst() {
        OrderStatus alone = OrderStatus.merge(null, of(cancelledBeforeTheOrder()));
        assertThat(alone.state()).isEqualTo(OrderState.CANCELLED);
        assertThat(alone.isTerminal()).isTrue();
        assertThat(alone.saleId()).isNull();
        assertThat(alone.sku()).isNull();
        assertThat(alone.quantity()).isNull();
        assertThat(alone.seats()).isEmpty();
        assertThat(alone.holdExpiresAt()).isNull();

        OrderStatus afterRequest = OrderStatus.merge(updates().get("request"), of(cancelledBeforeTheOrder()));
        assertThat(afterRequest.state()).isEqualTo(OrderState.CANCELLED);
        assertThat(afterRequest.saleId()).isEqualTo(SALE);
        assertThat(afterRequest.quantity()).isEqualTo(1);
        assertThat(afterRequest.requestPartition()).isEqualTo(3);
    }

    @Test
    void theLastPaymentDecisionIsShownWhateverTheStatus() {
        OrderStatus paid = OrderStatus.merge(updates().get("held"), updates().get("paid"));
        assertThat(paid.payment()).isEqualTo(new OrderStatus.Payment("pay-1", PaymentOutcome.PAID, PAID_AT));

        // A second payment refused after the order was paid: shown, the status stays PAID.
        OrderStatus refusedLater = OrderStatus.merge(paid, updates().get("notHeld"));
        assertThat(refusedLater.state()).isEqualTo(OrderState.PAID);
        assertThat(refusedLater.updatedAt()).isEqualTo(PAID_AT);
        assertThat(refusedLater.payment()).isEqualTo(new OrderStatus.Payment("pay-3", PaymentOutcome.NOT_HELD, LATE));

        // A refusal decided before the payment but heard after it: the payment stays.
        OrderStatus refusedEarlier = of(new PaymentRefused(V, ORDER, "pay-0", PaymentOutcome.NOT_HELD,
                DECIDED.minusSeconds(1), DECIDED.minusMillis(1)));
        assertThat(OrderStatus.merge(paid, refusedEarlier)).isSameAs(paid);
        assertThat(OrderStatus.merge(refusedEarlier, paid).payment()).isEqualTo(paid.payment());
    }

    @Test
    void aRefusalAndAPaymentDecidedAtTheSameInstantShowTheRefusalWhicheverComesFirst() {
        OrderStatus paid = of(paid());
        OrderStatus refused = of(new PaymentRefused(V, ORDER, "pay-9", PaymentOutcome.NOT_HELD, PAID_AT, PAID_AT));

        assertThat(OrderStatus.merge(paid, refused).payment().outcome()).isEqualTo(PaymentOutcome.NOT_HELD);
        assertThat(OrderStatus.merge(refused, paid).payment().outcome()).isEqualTo(PaymentOutcome.NOT_HELD);
    }

    @Test
    void aRefusalHeardBeforeAnythingElseIsNotVisibleYetAndTheRequestGivesItItsPlace() {
        OrderStatus refusal = OrderStatus.merge(null, updates().get("tooLate"));
        assertThat(refusal.isPaymentOnly()).isTrue();
        assertThat(refusal.state()).isEqualTo(OrderState.QUEUED);

        OrderStatus requested = OrderStatus.merge(refusal, updates().get("request"));
        assertThat(requested.isPaymentOnly()).isFalse();
        assertThat(requested.requestPartition()).isEqualTo(3);
        assertThat(requested.saleId()).isEqualTo(SALE);
        assertThat(requested.updatedAt()).isEqualTo(REQUESTED);
        assertThat(requested.payment().outcome()).isEqualTo(PaymentOutcome.TOO_LATE);
        assertThat(requested).isEqualTo(OrderStatus.merge(updates().get("request"), updates().get("tooLate")));
    }

    @Test
    void aRepeatedRequestKeepsTheFirstPlaceInLine() {
        OrderStatus first = updates().get("request");
        OrderStatus again = OrderStatus.queued(REQUEST, 5, 99);

        assertThat(OrderStatus.merge(first, again)).isSameAs(first);
    }

    @Test
    void twoDifferentEndsKeepTheFirst() {
        OrderStatus paid = OrderStatus.merge(updates().get("held"), updates().get("paid"));

        assertThat(OrderStatus.merge(paid, updates().get("expired")).state()).isEqualTo(OrderState.PAID);
        assertThat(OrderStatus.merge(paid, updates().get("cancelled")).state()).isEqualTo(OrderState.PAID);
    }
}
