package io.spillway.notifier.records;

import io.spillway.contract.OrderId;
import io.spillway.notifier.status.OrderStatus;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The system of record for decided orders: PostgreSQL's {@code orders} table, which the processor
 * writes in the transaction that decides each order and keeps for as long as orders are kept. The
 * notifier asks it only for what its table no longer holds ({@link RecordFallback}).
 */
public interface OrderRecords {

    /** No system of record configured: nothing is ever found. */
    OrderRecords NONE = new OrderRecords() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public CompletableFuture<Optional<OrderStatus>> decided(OrderId orderId) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    };

    boolean enabled();

    /**
     * The order's decision, if the database has it. Never fails: a database that cannot answer
     * (down, slow, circuit open) gives empty, and the caller answers as its table has it. Never
     * blocks the caller; the future may complete on the lookup's own thread.
     */
    CompletableFuture<Optional<OrderStatus>> decided(OrderId orderId);
}
