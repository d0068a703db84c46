package io.spillway.processor.reservation;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderPaid;
import io.spillway.contract.OrderResult;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.PaymentRefused;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a hold ends: the rules of docs/design/holds.md §1's table, for one order, its pending commands
 * and the cutoff, as a small state machine. The hold step (store) feeds it what it read and writes
 * what it returns; nothing here reads a clock or a database.
 *
 * <p>With D = {@code holdExpiresAt}: commands are taken in arrival order ({@code seq}), except that
 * those accepted after D act only once D ≤ cutoff, after every one accepted by D. So a payment
 * accepted by D always wins over the expiry, and against a cancel the first to arrive wins. A held
 * order without a pending command expires once D ≤ cutoff. No cutoff (a partition of
 * {@code orders.commands} never stored): nothing expires, late commands wait.
 *
 * <p>Every event of one order is returned in publication order: refused payments first, the end of
 * the hold last, so that the end, which closes the buyer's stream, comes after what it says.
 *
 * <p>Limits: knows only the order and commands it is given; a payment for an order without a row is
 * never given to it (it waits until the row exists).
 */
public final class HoldLedger {

    private HoldLedger() {}

    public enum Status {
        CONFIRMED,
        REJECTED,
        PAID,
        EXPIRED,
        CANCELLED
    }

    /** An order as the step read it; {@code holdExpiresAt} null: never held. */
    public record Order(
            OrderId orderId,
            Status status,
            CustomerId customerId,
            SaleId saleId,
            Sku sku,
            int quantity,
            List<SeatId> seats,
            Instant decidedAt,
            Instant holdExpiresAt) {

        boolean held() {
            return status == Status.CONFIRMED && holdExpiresAt != null;
        }
    }

    /** A payment or cancel not yet decided, with its place in arrival order. */
    public sealed interface Command {
        long seq();

        Instant acceptedAt();
    }

    public record Pay(long seq, String paymentRef, Instant acceptedAt) implements Command {}

    public record Cancel(long seq, Instant acceptedAt) implements Command {}

    /**
     * What the step must write for one order.
     *
     * @param endsAs the order's new status, or null when it stays as it is
     * @param paymentRef the reference that paid, when {@code endsAs} is {@code PAID}
     * @param endedAt when the hold ended (with {@code endsAs})
     * @param back units (or seats) that go back to the item's available, and off the buyer's holding
     * @param leftHeld units (or seats) that leave the item's held
     * @param payments outcome of each payment decided now
     * @param cancels outcome of each cancel decided now: {@code true} cancelled, {@code false} ignored
     * @param events what to publish, in order
     * @param graceBreaches payments accepted by the deadline of a hold that had expired already
     */
    public record Settlement(
            Order order,
            Status endsAs,
            String paymentRef,
            Instant endedAt,
            int back,
            int leftHeld,
            Map<Pay, PaymentOutcome> payments,
            Map<Cancel, Boolean> cancels,
            List<OrderResult> events,
            int graceBreaches) {

        public boolean changesAnything() {
            return endsAs != null || !payments.isEmpty() || !cancels.isEmpty();
        }
    }

    /**
     * Decides what the pending commands and the cutoff do to the order.
     *
     * @param cutoff every command accepted by it is stored; null when that is not known
     * @param now the step's time: {@code endedAt} and {@code decidedAt} of what it decides
     */
    public static Settlement settle(Order order, List<? extends Command> pending, Instant cutoff, Instant now) {
        Instant deadline = order.holdExpiresAt();
        boolean due = order.held() && cutoff != null && !deadline.isAfter(cutoff);
        List<Command> inOrder = new ArrayList<>(pending);
        inOrder.sort(Comparator.comparingLong(Command::seq));
        List<Command> sequence = new ArrayList<>();
        if (order.held()) {
            inOrder.stream().filter(c -> !c.acceptedAt().isAfter(deadline)).forEach(sequence::add);
            if (due) {
                inOrder.stream().filter(c -> c.acceptedAt().isAfter(deadline)).forEach(sequence::add);
            }
        } else {
            sequence.addAll(inOrder);
        }
        // The end of a hold comes 1 ms at least after its confirmation: its event sorts after it.
        Instant endedAt = order.decidedAt() == null || now.isAfter(order.decidedAt()) ? now : order.decidedAt().plusMillis(1);
        Status status = order.status();
        boolean held = order.held();
        Status endsAs = null;
        String paidBy = null;
        Instant paidAt = null;
        Map<Pay, PaymentOutcome> payments = new LinkedHashMap<>();
        Map<Cancel, Boolean> cancels = new LinkedHashMap<>();
        List<OrderResult> refusals = new ArrayList<>();
        int breaches = 0;
        for (Command command : sequence) {
            boolean timely = deadline != null && !command.acceptedAt().isAfter(deadline);
            if (held && !timely) {
                // Late, and the deadline is behind the cutoff: the hold expires first.
                status = Status.EXPIRED;
                held = false;
                endsAs = Status.EXPIRED;
            }
            switch (command) {
                case Pay pay -> {
                    PaymentOutcome outcome;
                    if (held) {
                        outcome = PaymentOutcome.PAID;
                        status = Status.PAID;
                        held = false;
                        endsAs = Status.PAID;
                        paidBy = pay.paymentRef();
                        paidAt = pay.acceptedAt();
                    } else if (status == Status.EXPIRED) {
                        outcome = PaymentOutcome.TOO_LATE;
                        if (timely) {
                            breaches++;
                        }
                    } else {
                        outcome = PaymentOutcome.NOT_HELD;
                    }
                    payments.put(pay, outcome);
                    if (outcome != PaymentOutcome.PAID) {
                        refusals.add(new PaymentRefused(OrderEvent.SCHEMA_VERSION, order.orderId(), pay.paymentRef(),
                                outcome, pay.acceptedAt(), now));
                    }
                }
                case Cancel cancel -> {
                    // Only a held order is cancelled here; anything else keeps its state ("a paid one stays PAID").
                    cancels.put(cancel, held);
                    if (held) {
                        status = Status.CANCELLED;
                        held = false;
                        endsAs = Status.CANCELLED;
                    }
                }
            }
        }
        if (held && due) {
            endsAs = Status.EXPIRED;
        }
        List<OrderResult> events = new ArrayList<>(refusals);
        int back = 0;
        int leftHeld = 0;
        if (endsAs != null) {
            leftHeld = order.quantity();
            back = endsAs == Status.PAID ? 0 : order.quantity();
            events.add(switch (endsAs) {
                case PAID -> new OrderPaid(OrderEvent.SCHEMA_VERSION, order.orderId(), order.customerId(),
                        order.saleId(), order.sku(), order.quantity(), order.seats(), paidBy, paidAt, deadline, endedAt);
                case EXPIRED -> new OrderExpired(OrderEvent.SCHEMA_VERSION, order.orderId(), order.customerId(),
                        order.saleId(), order.sku(), order.quantity(), order.seats(), deadline, endedAt);
                case CANCELLED -> new OrderCancelled(OrderEvent.SCHEMA_VERSION, order.orderId(), order.customerId(),
                        order.saleId(), order.sku(), order.quantity(), order.seats(), true, deadline, endedAt);
                default -> throw new IllegalStateException("a hold cannot end " + endsAs);
            });
        }
        return new Settlement(order, endsAs, paidBy, endsAs == null ? null : endedAt, back, leftHeld, payments,
                cancels, events, breaches);
    }
}
