package io.spillway.notifier.status;

/**
 * Hears when a decision reached each stage of the order-status table, against the decision
 * record's own timestamp: the delivery latency taken apart hop by hop.
 */
@FunctionalInterface
public interface DecisionHops {

    /** The partitioned table applied the decision (after the repartition hop, for a decision not in place). */
    String TABLE = "table";

    /** This instance's global store holds the decision (after the status-topic hop). */
    String GLOBAL = "global";

    /** The direct feed (a plain consumer of {@code orders.results} on this instance) polled the decision. */
    String DIRECT = "direct";

    DecisionHops NONE = (hop, recordTimestamp) -> {};

    void reached(String hop, long recordTimestamp);
}
