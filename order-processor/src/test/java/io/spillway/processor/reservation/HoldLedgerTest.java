package io.spillway.processor.reservation;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderPaid;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.PaymentRefused;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.processor.reservation.HoldLedger.Cancel;
import io.spillway.processor.reservation.HoldLedger.Command;
import io.spillway.processor.reservation.HoldLedger.Pay;
import io.spillway.processor.reservation.HoldLedger.Settlement;
import io.spillway.processor.reservation.HoldLedger.Status;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** docs/design/holds.md §1's table, row by row, and the cutoff. */
class HoldLedgerTest {

    private static final Instant DECIDED = Instant.parse("2026-12-24T09:00:00Z");
    private static final Instant D = DECIDED.plusSeconds(60);
    private static final Instant BEFORE_D = D.minusSeconds(1);
    private static final Instant AFTER_D = D.plusSeconds(1);
    private static final Instant NOW = D.plusSeconds(3);
    /** The deadline is behind it: late commands may act and a hold without commands expires. */
    private static final Instant PASSED = D.plusMillis(500);
    /** The deadline is not behind it yet. */
    private static final Instant SHORT = D.minusMillis(1);

    @Test
    void aHeldOrderPaidByItsDeadlineIsPaidKeepsItsUnitsAndNeedsNoCutoff() {
        Pay pay = new Pay(1, "ref-1", BEFORE_D);
        Settlement s = HoldLedger.settle(held(), List.of(pay), null, NOW);

        assertThat(s.endsAs()).isEqualTo(Status.PAID);
        assertThat(s.paymentRef()).isEqualTo("ref-1");
        assertThat(s.payments()).containsEntry(pay, PaymentOutcome.PAID);
        assertThat(s.back()).isZero();
        assertThat(s.leftHeld()).isEqualTo(2);
        assertThat(s.events()).singleElement().isInstanceOfSatisfying(OrderPaid.class, paid -> {
            assertThat(paid.acceptedAt()).isEqualTo(BEFORE_D);
            assertThat(paid.holdExpiresAt()).isEqualTo(D);
            assertThat(paid.endedAt()).isEqualTo(NOW);
        });
    }

    @Test
    void aHeldOrderCancelledByItsDeadlineGivesItsUnitsBack() {
        Cancel cancel = new Cancel(1, BEFORE_D);
        Settlement s = HoldLedger.settle(held(), List.of(cancel), SHORT, NOW);

        assertThat(s.endsAs()).isEqualTo(Status.CANCELLED);
        assertThat(s.cancels()).containsEntry(cancel, true);
        assertThat(s.back()).isEqualTo(2);
        assertThat(s.events()).singleElement().isInstanceOfSatisfying(OrderCancelled.class,
                cancelled -> assertThat(cancelled.held()).isTrue());
    }

    @Test
    void aLatePaymentWaitsWhileTheDeadlineIsNotBehindTheCutoff() {
        for (Instant cutoff : new Instant[] {null, SHORT}) {
            Settlement s = HoldLedger.settle(held(), List.of(new Pay(1, "ref-1", AFTER_D)), cutoff, NOW);
            assertThat(s.changesAnything()).isFalse();
            assertThat(s.events()).isEmpty();
        }
    }

    @Test
    void aLatePaymentOnceTheDeadlineIsBehindTheCutoffIsTooLateAndTheHoldExpiresRefusalFirst() {
        Pay late = new Pay(1, "ref-1", AFTER_D);
        Settlement s = HoldLedger.settle(held(), List.of(late), PASSED, NOW);

        assertThat(s.endsAs()).isEqualTo(Status.EXPIRED);
        assertThat(s.payments()).containsEntry(late, PaymentOutcome.TOO_LATE);
        assertThat(s.back()).isEqualTo(2);
        assertThat(s.graceBreaches()).isZero();
        assertThat(s.events()).hasSize(2);
        assertThat(s.events().get(0)).isInstanceOfSatisfying(PaymentRefused.class,
                refused -> assertThat(refused.outcome()).isEqualTo(PaymentOutcome.TOO_LATE));
        assertThat(s.events().get(1)).isInstanceOf(OrderExpired.class);
    }

    @Test
    void aLateCancelOnceTheDeadlineIsBehindTheCutoffIsIgnoredAndTheHoldExpires() {
        Cancel late = new Cancel(1, AFTER_D);
        Settlement s = HoldLedger.settle(held(), List.of(late), PASSED, NOW);

        assertThat(s.endsAs()).isEqualTo(Status.EXPIRED);
        assertThat(s.cancels()).containsEntry(late, false);
        assertThat(s.events()).singleElement().isInstanceOf(OrderExpired.class);
    }

    @Test
    void aHoldWithoutCommandsExpiresOnlyOnceItsDeadlineIsBehindTheCutoff() {
        assertThat(HoldLedger.settle(held(), List.of(), null, NOW).changesAnything()).isFalse();
        assertThat(HoldLedger.settle(held(), List.of(), SHORT, NOW).changesAnything()).isFalse();
        Settlement s = HoldLedger.settle(held(), List.of(), PASSED, NOW);
        assertThat(s.endsAs()).isEqualTo(Status.EXPIRED);
        assertThat(s.events()).singleElement().isInstanceOfSatisfying(OrderExpired.class, expired -> {
            assertThat(expired.holdExpiresAt()).isEqualTo(D);
            assertThat(expired.endedAt()).isEqualTo(NOW);
        });
    }

    @Test
    void aPaymentAcceptedByTheDeadlineWinsOverALaterOneThatArrivedFirst() {
        Pay late = new Pay(1, "ref-late", AFTER_D);
        Pay timely = new Pay(2, "ref-timely", BEFORE_D);
        Settlement s = HoldLedger.settle(held(), List.of(late, timely), PASSED, NOW);

        assertThat(s.endsAs()).isEqualTo(Status.PAID);
        assertThat(s.paymentRef()).isEqualTo("ref-timely");
        assertThat(s.payments()).containsEntry(timely, PaymentOutcome.PAID).containsEntry(late, PaymentOutcome.NOT_HELD);
    }

    @Test
    void betweenAPaymentAndACancelTheFirstToArriveWins() {
        Settlement cancelFirst = HoldLedger.settle(held(),
                List.of(new Pay(2, "ref-1", BEFORE_D), new Cancel(1, BEFORE_D)), null, NOW);
        assertThat(cancelFirst.endsAs()).isEqualTo(Status.CANCELLED);
        assertThat(cancelFirst.payments()).containsValue(PaymentOutcome.NOT_HELD);

        Settlement payFirst = HoldLedger.settle(held(),
                List.of(new Pay(1, "ref-1", BEFORE_D), new Cancel(2, BEFORE_D)), null, NOW);
        assertThat(payFirst.endsAs()).isEqualTo(Status.PAID);
        assertThat(payFirst.cancels()).containsValue(false);
    }

    @Test
    void twoReferencesForOneHoldPayOnceTheSecondIsNotHeld() {
        Pay first = new Pay(1, "ref-1", BEFORE_D);
        Pay second = new Pay(2, "ref-2", BEFORE_D);
        Settlement s = HoldLedger.settle(held(), List.of(first, second), null, NOW);

        assertThat(s.payments()).containsEntry(first, PaymentOutcome.PAID).containsEntry(second, PaymentOutcome.NOT_HELD);
        assertThat(s.events()).hasSize(2);
        assertThat(s.events().get(1)).isInstanceOf(OrderPaid.class);
    }

    @Test
    void aPaidOrderRefusesAnotherReferenceAndStaysPaidWhenCancelled() {
        Pay other = new Pay(3, "ref-2", BEFORE_D);
        Cancel cancel = new Cancel(4, BEFORE_D);
        Settlement s = HoldLedger.settle(order(Status.PAID, D), List.of(other, cancel), PASSED, NOW);

        assertThat(s.endsAs()).isNull();
        assertThat(s.payments()).containsEntry(other, PaymentOutcome.NOT_HELD);
        assertThat(s.cancels()).containsEntry(cancel, false);
        assertThat(s.back()).isZero();
    }

    @Test
    void anExpiredOrderRefusesPaymentsTooLateAndCountsATimelyOneAsAGraceBreach() {
        Pay timely = new Pay(1, "ref-1", BEFORE_D);
        Pay late = new Pay(2, "ref-2", AFTER_D);
        Settlement s = HoldLedger.settle(order(Status.EXPIRED, D), List.of(timely, late), PASSED, NOW);

        assertThat(s.endsAs()).isNull();
        assertThat(s.payments()).containsEntry(timely, PaymentOutcome.TOO_LATE).containsEntry(late, PaymentOutcome.TOO_LATE);
        assertThat(s.graceBreaches()).isEqualTo(1);
    }

    @Test
    void ordersNeverHeldOrCancelledRefuseEveryPaymentAsNotHeldAndIgnoreCancels() {
        List<HoldLedger.Order> notHeld = List.of(
                order(Status.CONFIRMED, null), order(Status.REJECTED, null), order(Status.CANCELLED, D),
                order(Status.CANCELLED, null));
        for (HoldLedger.Order order : notHeld) {
            Pay pay = new Pay(1, "ref-1", BEFORE_D);
            Cancel cancel = new Cancel(2, BEFORE_D);
            List<Command> commands = List.of(pay, cancel);
            Settlement s = HoldLedger.settle(order, commands, PASSED, NOW);
            assertThat(s.endsAs()).isNull();
            assertThat(s.payments()).containsEntry(pay, PaymentOutcome.NOT_HELD);
            assertThat(s.cancels()).containsEntry(cancel, false);
            assertThat(s.events()).singleElement().isInstanceOf(PaymentRefused.class);
        }
    }

    @Test
    void theEndOfAHoldIsStampedAfterItsConfirmation() {
        Settlement s = HoldLedger.settle(held(), List.of(new Cancel(1, DECIDED)), null, DECIDED);
        assertThat(s.endedAt()).isEqualTo(DECIDED.plusMillis(1));
    }

    private static HoldLedger.Order held() {
        return order(Status.CONFIRMED, D);
    }

    private static HoldLedger.Order order(Status status, Instant holdExpiresAt) {
        return new HoldLedger.Order(new OrderId(UUID.randomUUID()), status, CustomerId.of("ann"), SaleId.of("concert"),
                Sku.of("VIP"), 2, List.of(SeatId.of("A-1"), SeatId.of("A-2")), DECIDED, holdExpiresAt);
    }
}
