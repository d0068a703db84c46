package io.spillway.ingest.orders;

import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import java.time.Clock;

/**
 * What happens to a valid request at the door: it becomes an {@code OrderRequested} in the log and
 * the buyer gets the order's id and token. The checks that need more than the request itself (rate
 * limits, whether the sale is open) belong here, before the append, so that a refused request never
 * reaches Kafka.
 */
final class OrderIntake {

    private final OrderLog log;
    private final OrderTokens tokens;
    private final Clock clock;

    OrderIntake(OrderLog log, OrderTokens tokens, Clock clock) {
        this.log = log;
        this.tokens = tokens;
        this.clock = clock;
    }

    OrderAccepted accept(PlaceOrder order) {
        OrderId orderId = order.orderId();
        // A retry with the same key appends a second record with the same orderId; the processor
        // decides by orderId, so it replays the first decision instead of making a second order.
        log.append(order.toEvent(clock.instant()));
        return OrderAccepted.queued(orderId, tokens.tokenFor(orderId));
    }
}
