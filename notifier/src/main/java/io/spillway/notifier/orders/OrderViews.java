package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.notifier.queue.QueueEstimate;
import io.spillway.notifier.queue.QueueModel;
import io.spillway.notifier.status.OrderState;
import io.spillway.notifier.status.OrderStatus;
import io.spillway.notifier.status.OrderStatusStore;
import java.util.Optional;

/** Turns what the table and the queue model know about an order into its {@link OrderView}. */
class OrderViews {

    private final OrderStatusStore store;
    private final QueueModel queue;

    OrderViews(OrderStatusStore store, QueueModel queue) {
        this.store = store;
        this.queue = queue;
    }

    /** Changes whenever a rendered queue place may have changed. */
    long queueVersion() {
        return queue.version();
    }

    Optional<OrderStatus> find(OrderId orderId) {
        return store.find(orderId);
    }

    OrderView current(OrderId orderId) {
        return render(orderId, store.find(orderId).orElse(null));
    }

    /** @param status null when the order is not visible yet: it is then QUEUED, place unknown */
    OrderView render(OrderId orderId, OrderStatus status) {
        if (status == null) {
            return new OrderView(orderId, OrderState.QUEUED, null, null, null, null, null,
                    new OrderView.Queue(null, null, 0), null);
        }
        OrderView.Queue place = null;
        if (!status.isTerminal() && status.requestPartition() == null) {
            place = new OrderView.Queue(null, null, 0);
        } else if (!status.isTerminal()) {
            QueueEstimate estimate = queue.estimate(
                    status.requestPartition(), status.requestOffset(), System.nanoTime() / 1_000_000);
            place = new OrderView.Queue(estimate.position(), estimate.etaSeconds(), estimate.confidence());
        }
        return new OrderView(status.orderId(), status.state(), status.saleId(), status.sku(), status.quantity(),
                status.seats(), status.reason(), place, status.updatedAt());
    }
}
