package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.notifier.queue.QueueEstimate;
import io.spillway.notifier.queue.QueueModel;
import io.spillway.notifier.status.OrderState;
import io.spillway.notifier.status.OrderStatus;
import io.spillway.notifier.status.OrderStatusStore;
import io.spillway.notifier.records.OrderRecords;
import io.spillway.notifier.records.RecordFallback;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * Turns what the table, the system of record and the queue model know about an order into its
 * {@link OrderView}. The table answers; the system of record is asked only when the table cannot
 * ({@link RecordFallback}), and never holds up an answer for longer than {@code recordTimeout}.
 */
class OrderViews {

    private final OrderStatusStore store;
    private final QueueModel queue;
    private final OrderRecords records;
    private final Duration decidedRetention;
    private final Duration recordTimeout;
    /** Orders the system of record cannot have (the warm-up's, {@link WarmupOrders}): it is not asked. */
    private final Predicate<OrderId> unrecorded;

    OrderViews(OrderStatusStore store, QueueModel queue) {
        this(store, queue, OrderRecords.NONE, Duration.ZERO, Duration.ofMillis(500), id -> false);
    }

    /** @param decidedRetention how long decided orders stay in the table (zero: for ever) */
    OrderViews(OrderStatusStore store, QueueModel queue, OrderRecords records, Duration decidedRetention,
            Duration recordTimeout, Predicate<OrderId> unrecorded) {
        this.store = store;
        this.queue = queue;
        this.records = records;
        this.decidedRetention = decidedRetention;
        this.recordTimeout = recordTimeout;
        this.unrecorded = unrecorded;
    }

    /** Changes whenever a rendered queue place may have changed. */
    long queueVersion() {
        return queue.version();
    }

    Optional<OrderStatus> find(OrderId orderId) {
        return store.find(orderId);
    }

    /** The order now: the table's row, or the system of record's decision when the table cannot answer. */
    Mono<OrderView> current(OrderId orderId) {
        OrderStatus stored = store.find(orderId).orElse(null);
        if (!recordNeeded(orderId, stored)) {
            return Mono.just(render(orderId, stored));
        }
        return Mono.fromFuture(records.decided(orderId))
                // The database late or down: the table's answer, as before the fallback existed.
                .timeout(recordTimeout, Mono.just(Optional.empty()))
                .onErrorReturn(Optional.empty())
                .map(decided -> render(orderId, OrderStatus.merge(stored, decided.orElse(null))));
    }

    /**
     * For a stream: asks the system of record when the table cannot answer for the order; its
     * decision, if any, is handed to {@code decided} later, on the lookup's thread. Never blocks.
     */
    void askRecord(OrderId orderId, OrderStatus stored, Consumer<OrderStatus> decided) {
        if (recordNeeded(orderId, stored)) {
            records.decided(orderId).thenAccept(found -> found.ifPresent(decided));
        }
    }

    private boolean recordNeeded(OrderId orderId, OrderStatus stored) {
        return records.enabled() && RecordFallback.needed(stored, Instant.now(), decidedRetention)
                && !unrecorded.test(orderId);
    }

    /**
     * An order parked for its opening. In the pre-queue: no position before the draw and an ETA
     * counted from the opening; after the draw, its place in the draw and the opening plus the time
     * the line takes to decide those ahead. After the pre-queue: behind all of it, no estimate.
     * Limits: the place is the draw's, not lowered as the orders ahead of it are decided.
     */
    private OrderView.Queue waiting(OrderStatus status) {
        OrderStatus.Opening opening = status.opening();
        long untilOpen = Math.max(0, Duration.between(Instant.now(), opening.opensAt()).toSeconds());
        if (!opening.prequeue()) {
            return new OrderView.Queue(null, null, 0, false);
        }
        if (opening.drawPosition() == null) {
            return new OrderView.Queue(null, untilOpen, 0.5, true);
        }
        QueueEstimate drain = queue.estimateAhead(status.requestPartition(), opening.drawPosition(),
                System.nanoTime() / 1_000_000);
        Long eta = drain.etaSeconds() == null ? null : untilOpen + drain.etaSeconds();
        return new OrderView.Queue((long) opening.drawPosition(), eta, eta == null ? 0 : drain.confidence(), true);
    }

    /** @param status null when the order is not visible yet: it is then QUEUED, place unknown */
    OrderView render(OrderId orderId, OrderStatus status) {
        if (status == null) {
            return new OrderView(orderId, OrderState.QUEUED, null, null, null, null, null,
                    new OrderView.Queue(null, null, 0), null, null, null);
        }
        OrderView.Queue place = null;
        // A held order is decided: it has left its line, and counts in no one's position.
        if (!status.isDecided() && status.opening() != null) {
            place = waiting(status);
        } else if (!status.isDecided() && status.requestPartition() == null) {
            place = new OrderView.Queue(null, null, 0);
        } else if (!status.isDecided()) {
            QueueEstimate estimate = queue.estimate(
                    status.requestPartition(), status.requestOffset(), System.nanoTime() / 1_000_000);
            place = new OrderView.Queue(estimate.position(), estimate.etaSeconds(), estimate.confidence());
        }
        return new OrderView(status.orderId(), status.state(), status.saleId(), status.sku(), status.quantity(),
                status.seats(), status.reason(), place, status.holdExpiresAt(), OrderView.Payment.of(status.payment()),
                // A row only a refusal made is an order not visible yet: no time of its own to show.
                status.isPaymentOnly() ? null : status.updatedAt());
    }
}
