package io.spillway.notifier.records;

import io.spillway.notifier.status.OrderStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * When the order-status table cannot answer for an order and the system of record is asked: the
 * rule that keeps the database out of the ordinary reads.
 *
 * <ul>
 *   <li>Decided in the table (held or terminal): never; the table hears the rest of the story.
 *   <li>Not in the table, or only a refused payment of it: asked. The order is either not visible yet (just accepted; the lookup
 *       finds nothing, and "absent" is believed for a while, see {@link OrderRecords}) or it left
 *       the table (decided long ago, or the table was restored without it).
 *   <li>Queued in the table, requested longer ago than the decided retention: asked. A decided
 *       order left the table by then, so a queued row that old is a request seen again after its
 *       decision left (a replay), or an order never decided (dead-lettered).
 *   <li>Queued and younger: never; it is in its line, and the table will hear its decision.
 * </ul>
 */
public final class RecordFallback {

    private RecordFallback() {}

    /**
     * @param stored the table's row; null when the table does not know the order
     * @param decidedRetention how long decided orders stay in the table; zero: for ever
     */
    public static boolean needed(OrderStatus stored, Instant now, Duration decidedRetention) {
        if (stored == null || stored.isPaymentOnly()) {
            return true;
        }
        if (stored.isDecided() || decidedRetention.isZero()) {
            return false;
        }
        return stored.updatedAt().isBefore(now.minus(decidedRetention));
    }
}
