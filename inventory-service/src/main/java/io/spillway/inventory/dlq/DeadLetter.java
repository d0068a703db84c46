package io.spillway.inventory.dlq;

import java.time.Instant;
import java.util.List;

/**
 * A dead letter as the admin API lists it: its id, where it came from and why, and enough of the
 * record to recognise it. {@code state} is {@code PENDING}, {@code REPLAYED} or {@code DISCARDED}.
 *
 * @param key the record's key as text ({@code saleId/sku} for an order), or null
 * @param saleId the sale its key names, or null for a record whose key names none
 * @param causes every cause the record was dead-lettered for, oldest first (more than one after a
 *     replay that failed again)
 * @param value the value as UTF-8 text, cut at {@link DeadLetterIndex#VALUE_PREVIEW} characters
 */
record DeadLetter(
        String id, Instant at, String key, String saleId, String kind, String cause, List<String> causes,
        String originTopic, Integer originPartition, Long originOffset, int replayCount, int valueBytes, String value,
        String state) {

    DeadLetter withState(String newState) {
        return new DeadLetter(id, at, key, saleId, kind, cause, causes, originTopic, originPartition, originOffset, replayCount,
                valueBytes, value, newState);
    }
}
