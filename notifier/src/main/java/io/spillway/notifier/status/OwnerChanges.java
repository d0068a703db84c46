package io.spillway.notifier.status;

import java.util.function.Consumer;

/**
 * Hears each change of the order-status table once across all notifier instances: on the instance
 * that owns the order's partition of the table. For work that must not be repeated per instance.
 */
public interface OwnerChanges extends Consumer<OrderStatus> {}
