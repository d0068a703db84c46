package io.spillway.notifier.status;

/** Hears every new value of the order-status table, on a Kafka Streams thread: must not block. */
@FunctionalInterface
public interface OrderStatusListener {

    void changed(OrderStatus status);
}
