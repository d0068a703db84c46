package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.notifier.status.OrderState;
import java.time.Instant;
import java.util.List;

/**
 * The status body of the contract, also the {@code data:} of every event. Fields the notifier
 * does not know yet (the order is not visible) are null.
 *
 * @param queue only while {@code QUEUED}
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
        Instant updatedAt) {

    /** @param position null while the order is not visible yet */
    record Queue(Long position, Long etaSeconds, double confidence) {}

    boolean isTerminal() {
        return status.isTerminal();
    }
}
