package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.notifier.status.OrderState;
import io.spillway.notifier.status.OrderStatus;
import java.time.Instant;
import java.util.List;

/**
 * The status body of the contract, also the {@code data:} of every event. Fields the notifier
 * does not know yet (the order is not visible, or only its cancel is known) are null.
 *
 * @param queue only while {@code QUEUED}
 * @param holdExpiresAt on a held order, and kept once its hold ended
 * @param payment the last payment decided for the order; null before any
 */
record OrderView(
        OrderId orderId,
        OrderState status,
        SaleId saleId,
        Sku sku,
        Integer quantity,
        List<SeatId> seats,
        RejectionReason reason,
        Queue queue,
        Instant holdExpiresAt,
        Payment payment,
        Instant updatedAt) {

    /**
     * @param position null while the order is not visible yet, and for a pre-queue order until the draw
     * @param prequeue whether the order is in its sale's pre-queue (CONTRACT.md, "Opening")
     */
    record Queue(Long position, Long etaSeconds, double confidence, boolean prequeue) {

        Queue(Long position, Long etaSeconds, double confidence) {
            this(position, etaSeconds, confidence, false);
        }
    }

    /** {@code "payment": {"ref", "outcome"}}: the decision time stays inside the notifier. */
    record Payment(String ref, PaymentOutcome outcome) {

        static Payment of(OrderStatus.Payment payment) {
            return payment == null ? null : new Payment(payment.ref(), payment.outcome());
        }
    }

    /** The last event of a stream: nothing moves the order again. */
    boolean isTerminal() {
        return status != OrderState.QUEUED && !isHeld();
    }

    /** Confirmed and held for payment: the stream sends {@code confirmed} and stays open. */
    boolean isHeld() {
        return status == OrderState.CONFIRMED && holdExpiresAt != null;
    }
}
