package io.spillway.notifier.status;

import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderPaid;
import io.spillway.contract.OrderQueued;
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
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What the notifier knows about one order: one row of the order-status table, and also the update
 * that the request and result topics feed into it. The order's state machine is {@link #merge}.
 *
 * @param quantity null while only a cancel or a refused payment is known
 * @param seats the seats asked for while queued or rejected, the seats held once confirmed
 * @param reason why the order was rejected; null otherwise
 * @param requestPartition the partition of {@code orders.requested} that holds the request: the
 *     order's line; null while the request has not been seen
 * @param requestOffset the request's offset in that partition: its place in the line
 * @param updatedAt when the order was requested (while queued), decided, or ended (a hold's end);
 *     a refused payment does not move it
 * @param holdExpiresAt set on a held confirmation, kept on the end of the hold; null otherwise
 * @param payment the last payment decided for the order (paid or refused); null before any
 * @param opening where the order waits at its sale's opening ({@link OrderQueued}); null for an
 *     order the processor decided as it came
 */
public record OrderStatus(
        OrderId orderId,
        OrderState state,
        SaleId saleId,
        Sku sku,
        Integer quantity,
        List<SeatId> seats,
        RejectionReason reason,
        Integer requestPartition,
        Long requestOffset,
        Instant updatedAt,
        Instant holdExpiresAt,
        Payment payment,
        Opening opening) {

    /**
     * An order parked for its sale's opening: in the pre-queue or after it, and once the draw is
     * made, its place in the draw (pre-queue orders ahead of it).
     */
    public record Opening(boolean prequeue, Instant opensAt, Integer drawPosition) {

        public Opening {
            Objects.requireNonNull(opensAt, "opensAt");
        }

        /**
         * What both say: in the pre-queue if either says so (an order parked again after its draw
         * is told it waits after the pre-queue), the place once either knows it. Whatever the order
         * the two arrive in, the same answer.
         */
        static Opening merge(Opening a, Opening b) {
            if (a == null || b == null) {
                return a == null ? b : a;
            }
            Integer place = a.drawPosition != null && b.drawPosition != null
                    ? Integer.valueOf(Math.min(a.drawPosition, b.drawPosition))
                    : a.drawPosition != null ? a.drawPosition : b.drawPosition;
            Instant opensAt = a.opensAt.isBefore(b.opensAt) ? a.opensAt : b.opensAt;
            return new Opening(a.prequeue || b.prequeue || place != null, opensAt, place);
        }
    }

    /** Ranks of {@link #rank()}. */
    static final int QUEUED_RANK = 0;
    static final int HELD_RANK = 1;
    static final int TERMINAL_RANK = 2;

    /**
     * A payment decision: {@code outcome} PAID for the payment that paid the order, else the refusal
     * the shop refunds. {@code decidedAt} orders two decisions; the status body shows only ref and outcome.
     */
    public record Payment(String ref, PaymentOutcome outcome, Instant decidedAt) {

        public Payment {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(decidedAt, "decidedAt");
        }

        /**
         * The later decision by {@code decidedAt}; at the same instant a refusal is shown rather
         * than the payment (it is what the shop must act on), then the greater ref: the same
         * answer whatever the order of arrival.
         */
        static Payment latest(Payment a, Payment b) {
            if (a == null || b == null) {
                return a == null ? b : a;
            }
            return ORDER.compare(a, b) >= 0 ? a : b;
        }

        private static final Comparator<Payment> ORDER = Comparator.comparing(Payment::decidedAt)
                .thenComparing(payment -> payment.outcome() != PaymentOutcome.PAID)
                .thenComparing(Payment::ref)
                .thenComparing(Payment::outcome);
    }

    public OrderStatus {
        if (orderId == null || state == null || updatedAt == null) {
            throw new IllegalArgumentException("orderId, state and updatedAt are required");
        }
        seats = seats == null ? List.of() : List.copyOf(seats);
    }

    /** Not parked for an opening. */
    public OrderStatus(OrderId orderId, OrderState state, SaleId saleId, Sku sku, Integer quantity, List<SeatId> seats,
            RejectionReason reason, Integer requestPartition, Long requestOffset, Instant updatedAt,
            Instant holdExpiresAt, Payment payment) {
        this(orderId, state, saleId, sku, quantity, seats, reason, requestPartition, requestOffset, updatedAt,
                holdExpiresAt, payment, null);
    }

    /** Without a hold or payment: a queued order, or a decision of a sale without holds. */
    public OrderStatus(OrderId orderId, OrderState state, SaleId saleId, Sku sku, Integer quantity, List<SeatId> seats,
            RejectionReason reason, Integer requestPartition, Long requestOffset, Instant updatedAt) {
        this(orderId, state, saleId, sku, quantity, seats, reason, requestPartition, requestOffset, updatedAt,
                null, null);
    }

    public static OrderStatus queued(OrderRequested request, int partition, long offset) {
        return new OrderStatus(
                request.orderId(), OrderState.QUEUED, request.saleId(), request.sku(), request.quantity(),
                request.seatIds(), null, partition, offset, request.requestedAt());
    }

    /** What one record of {@code orders.results} says, as an update of the order's row. */
    public static OrderStatus of(OrderResult result) {
        return switch (result) {
            case OrderConfirmed c -> new OrderStatus(c.orderId(), OrderState.CONFIRMED, c.saleId(), c.sku(),
                    c.quantity(), c.seats(), null, null, null, c.decidedAt(), c.holdExpiresAt(), null);
            case OrderRejected r -> new OrderStatus(r.orderId(), OrderState.REJECTED, r.saleId(), r.sku(),
                    r.quantity(), r.seatIds(), r.reason(), null, null, r.decidedAt());
            case OrderPaid p -> new OrderStatus(p.orderId(), OrderState.PAID, p.saleId(), p.sku(), p.quantity(),
                    p.seats(), null, null, null, p.endedAt(), p.holdExpiresAt(),
                    new Payment(p.paymentRef(), PaymentOutcome.PAID, p.endedAt()));
            case OrderExpired e -> new OrderStatus(e.orderId(), OrderState.EXPIRED, e.saleId(), e.sku(),
                    e.quantity(), e.seats(), null, null, null, e.endedAt(), e.holdExpiresAt(), null);
            case OrderCancelled c -> new OrderStatus(c.orderId(), OrderState.CANCELLED, c.saleId(), c.sku(),
                    c.quantity(), c.seats(), null, null, null, c.endedAt(), c.holdExpiresAt(), null);
            // Says nothing of the status: a row of rank 0 without a place, which any request or decision fills in.
            case PaymentRefused r -> new OrderStatus(r.orderId(), OrderState.QUEUED, null, null, null, List.of(),
                    null, null, null, r.decidedAt(), null, new Payment(r.paymentRef(), r.outcome(), r.decidedAt()));
            // Not a decision: still queued, rank 0, so it never outranks one; it only adds where the
            // order waits. Without the request's fields, which the request fills in.
            case OrderQueued q -> new OrderStatus(q.orderId(), OrderState.QUEUED, null, null, null, List.of(),
                    null, null, null, q.happenedAt(), null, null,
                    new Opening(q.prequeue(), q.opensAt(), q.drawPosition()));
        };
    }

    /**
     * The order's state machine, the one rule of the table, both roads of a stream and the system
     * of record (either side may be null: nothing known). Ranks: QUEUED 0, held (CONFIRMED with a
     * {@code holdExpiresAt}) 1, terminal 2 (REJECTED, CONFIRMED without a hold, PAID, EXPIRED,
     * CANCELLED). The update's state is taken only if its rank is higher, so a replayed
     * confirmation after the hold ended, a second terminal event, or a request seen after the
     * decision change nothing; a repeated request keeps the first one's place in the line.
     *
     * <p>Besides the state: {@code payment} is always the latest of both ({@link Payment#latest}),
     * whatever the ranks, so a refusal is seen before or after the end of the hold. A state taken
     * keeps the order's fields the update lacks (a cancel before the order carries none) and the
     * place in line; a row of rank 0 without a request (only a refusal known) takes the request's
     * place and fields when it comes; a row without the order's fields (a cancel before the order)
     * takes them from a later request or replay, never its state.
     *
     * @return {@code current} itself when nothing changes
     */
    public static OrderStatus merge(OrderStatus current, OrderStatus update) {
        if (current == null || update == null) {
            return current == null ? update : current;
        }
        Payment payment = Payment.latest(current.payment, update.payment);
        // Where it waited stops changing once it is decided: a late OrderQueued changes no decided row.
        Opening opening = current.rank() > QUEUED_RANK ? current.opening : Opening.merge(current.opening, update.opening);
        OrderStatus merged;
        if (update.rank() > current.rank()) {
            boolean fields = update.saleId != null;
            merged = new OrderStatus(update.orderId, update.state,
                    fields ? update.saleId : current.saleId,
                    fields ? update.sku : current.sku,
                    fields ? update.quantity : current.quantity,
                    fields ? update.seats : current.seats,
                    update.reason, current.requestPartition, current.requestOffset, update.updatedAt,
                    endOfAHold(update) && update.holdExpiresAt == null ? current.holdExpiresAt : update.holdExpiresAt,
                    payment, opening);
        } else if (current.rank() == QUEUED_RANK && current.requestPartition == null
                && update.requestPartition != null) {
            // Only a refusal was known: the request gives the order its fields and its place.
            merged = new OrderStatus(current.orderId, current.state, update.saleId, update.sku, update.quantity,
                    update.seats, null, update.requestPartition, update.requestOffset, update.updatedAt,
                    null, payment, opening);
        } else if (current.saleId == null && update.saleId != null) {
            // Known by its cancel alone: a later copy of the order (its request, a replay) says what it was.
            merged = new OrderStatus(current.orderId, current.state, update.saleId, update.sku, update.quantity,
                    update.seats, current.reason, current.requestPartition, current.requestOffset,
                    current.updatedAt, current.holdExpiresAt, payment, opening);
        } else {
            merged = new OrderStatus(current.orderId, current.state, current.saleId, current.sku, current.quantity,
                    current.seats, current.reason, current.requestPartition, current.requestOffset,
                    current.updatedAt, current.holdExpiresAt, payment, opening);
        }
        return merged.equals(current) ? current : merged;
    }

    /** A hold's end keeps the expiry it ended; a decision says for itself whether it holds. */
    private static boolean endOfAHold(OrderStatus status) {
        return status.state == OrderState.PAID || status.state == OrderState.EXPIRED
                || status.state == OrderState.CANCELLED;
    }

    /** 0 queued, 1 held, 2 terminal: the state machine's order ({@link #merge}). */
    public int rank() {
        return switch (state) {
            case QUEUED -> QUEUED_RANK;
            case CONFIRMED -> holdExpiresAt == null ? TERMINAL_RANK : HELD_RANK;
            case REJECTED, PAID, EXPIRED, CANCELLED -> TERMINAL_RANK;
        };
    }

    /** Nothing moves the state again: the stream's last event, and the row may leave the table. */
    public boolean isTerminal() {
        return rank() == TERMINAL_RANK;
    }

    /** Confirmed and held for payment: decided, not terminal. */
    public boolean isHeld() {
        return rank() == HELD_RANK;
    }

    /** No longer in its line: a decision (held or final) or an end. Queue and ETA count only the others. */
    public boolean isDecided() {
        return state != OrderState.QUEUED;
    }

    /** A row that only a refused payment made: nothing is known of the order itself. */
    public boolean isPaymentOnly() {
        return state == OrderState.QUEUED && requestPartition == null && payment != null;
    }
}
