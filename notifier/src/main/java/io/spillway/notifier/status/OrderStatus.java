package io.spillway.notifier.status;

import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.time.Instant;
import java.util.List;

/**
 * What the notifier knows about one order: one row of the order-status table, and also the update
 * that the request and decision topics feed into it.
 *
 * @param seats the seats asked for while queued or rejected, the seats held once confirmed
 * @param reason why the order was rejected; null otherwise
 * @param requestPartition the partition of {@code orders.requested} that holds the request: the
 *     order's line; null while only the decision has been seen
 * @param requestOffset the request's offset in that partition: its place in the line
 * @param updatedAt when the order was requested (while queued) or decided
 */
public record OrderStatus(
        OrderId orderId,
        OrderState state,
        SaleId saleId,
        Sku sku,
        int quantity,
        List<SeatId> seats,
        RejectionReason reason,
        Integer requestPartition,
        Long requestOffset,
        Instant updatedAt) {

    public OrderStatus {
        if (orderId == null || state == null || updatedAt == null) {
            throw new IllegalArgumentException("orderId, state and updatedAt are required");
        }
        seats = seats == null ? List.of() : List.copyOf(seats);
    }

    public static OrderStatus queued(OrderRequested request, int partition, long offset) {
        return new OrderStatus(
                request.orderId(), OrderState.QUEUED, request.saleId(), request.sku(), request.quantity(),
                request.seatIds(), null, partition, offset, request.requestedAt());
    }

    public static OrderStatus decided(OrderDecision decision) {
        return switch (decision) {
            case OrderConfirmed confirmed -> new OrderStatus(
                    confirmed.orderId(), OrderState.CONFIRMED, confirmed.saleId(), confirmed.sku(),
                    confirmed.quantity(), confirmed.seats(), null, null, null, confirmed.decidedAt());
            case OrderRejected rejected -> new OrderStatus(
                    rejected.orderId(), OrderState.REJECTED, rejected.saleId(), rejected.sku(),
                    rejected.quantity(), rejected.seatIds(), rejected.reason(), null, null, rejected.decidedAt());
        };
    }

    /**
     * The table's one rule (either side may be null: nothing known).: the first decision is final. A request seen after the decision (the two
     * topics are read independently, and ingest may publish a request twice) and a repeated decision
     * change nothing; a repeated request keeps the first one's place in the line.
     */
    public static OrderStatus merge(OrderStatus current, OrderStatus update) {
        if (current == null || update == null) {
            return current == null ? update : current;
        }
        if (current.isTerminal() || !update.isTerminal()) {
            return current;
        }
        return new OrderStatus(
                update.orderId, update.state, update.saleId, update.sku, update.quantity, update.seats,
                update.reason, current.requestPartition, current.requestOffset, update.updatedAt);
    }

    public boolean isTerminal() {
        return state.isTerminal();
    }
}
