package io.spillway.contract;

import java.time.Instant;
import java.util.List;

/**
 * An order's hold, or a queued order, ended: paid, expired or cancelled. Terminal: nothing is said
 * about the order after it but a {@link PaymentRefused} for a late or second payment.
 */
public sealed interface HoldEnded extends OrderResult permits OrderPaid, OrderExpired, OrderCancelled {

    /** When the hold ended; later than the confirmation's {@code decidedAt}. */
    Instant endedAt();

    /** The seats the order held (and gave back, unless paid); empty for an item sold by count. */
    List<SeatId> seats();

    @Override
    default Instant happenedAt() {
        return endedAt();
    }
}
