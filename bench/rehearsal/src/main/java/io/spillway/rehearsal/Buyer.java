package io.spillway.rehearsal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one buyer lived through, times in ms from the start of the schedule ({@code -1}: never).
 * Written by the buyer's own thread only, read after it ended.
 */
final class Buyer {

    final int index;
    final long scheduledAt;
    long startedAt = -1;
    long acceptedAt = -1;
    long decidedAt = -1;
    long endedAt = -1;
    long streamOpenedAt = -1;
    long streamClosedAt = -1;
    String orderId;
    /** CONFIRMED or REJECTED, then PAID, EXPIRED or CANCELLED for a held order. */
    String decision;
    String end;
    /** The last answer that was not the contract's, if any: a status or an exception's name. */
    String error;
    int retries;
    final List<Long> positions = new ArrayList<>();
    /** Estimated decision time from the first estimate seen, ms from the start. */
    long estimatedDecisionAt = -1;
    final List<Long> deliveryLagsMillis = new ArrayList<>();
    /** The event each of {@link #deliveryLagsMillis} was measured on. */
    final List<String> lagEvents = new ArrayList<>();
    final Map<Integer, Integer> statuses = new TreeMap<>();

    Buyer(int index, long scheduledAt) {
        this.index = index;
        this.scheduledAt = scheduledAt;
    }

    /** Click to result: from the scheduled click (not from when the generator sent it) to the decision. */
    long timeToResult() {
        return decidedAt < 0 ? -1 : decidedAt - scheduledAt;
    }

    void answered(int status) {
        statuses.merge(status, 1, Integer::sum);
    }
}
