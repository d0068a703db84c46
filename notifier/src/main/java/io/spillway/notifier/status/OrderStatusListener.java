package io.spillway.notifier.status;

/** Hears every new value of the order-status table, on every notifier instance. */
@FunctionalInterface
public interface OrderStatusListener {

    /**
     * @param status the order's new row
     * @param recordTimestamp the timestamp of the record that made it, in epoch milliseconds: for a
     *     decision, the decision record's own timestamp (Kafka Streams carries it through)
     */
    void changed(OrderStatus status, long recordTimestamp);
}
