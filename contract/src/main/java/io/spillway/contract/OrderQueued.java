package io.spillway.contract;

import java.time.Instant;

/**
 * Not a decision: where an order waits while its item's opening is not yet decided
 * (CONTRACT.md, "Opening: pre-queue and draw"). The processor publishes one when it parks the order
 * ({@code drawPosition} null) and, for a pre-queue order, one more once the draw is made, with the
 * number of pre-queue orders of the item ahead of it in the draw. A reader ranks it as
 * {@code QUEUED} with information: never above a decision, whatever the order it arrives in.
 *
 * @param prequeue whether the order was accepted before {@code opensAt}, in the pre-queue
 * @param opensAt the sale's opening: the ETA of a pre-queue order counts from it
 * @param drawPosition pre-queue orders ahead of this one in the draw; null before the draw and for
 *     an order after the pre-queue
 * @param happenedAt when the processor parked or drew the order
 */
public record OrderQueued(
        int schemaVersion,
        OrderId orderId,
        SaleId saleId,
        Sku sku,
        boolean prequeue,
        Instant opensAt,
        Integer drawPosition,
        Instant happenedAt)
        implements OrderResult {

    public OrderQueued {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(sku, "sku");
        OrderEvent.require(opensAt, "opensAt");
        OrderEvent.require(happenedAt, "happenedAt");
        if (drawPosition != null && (drawPosition < 0 || !prequeue)) {
            throw new IllegalArgumentException("only a pre-queue order has a place in the draw, from 0");
        }
    }
}
