package io.spillway.inventory.dlq;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of a dead letter, as order-processor's {@code publish/DeadLetter} writes them (the names
 * are repeated here because this service does not depend on the processor; a shared constant in the
 * contract module would be better), and the replay headers this service adds.
 *
 * <p>A replayed record keeps every header its dead letter had, the earlier causes included; when it
 * fails again the processor appends the new cause after them. So the last {@code spillway.dlq.*} of a
 * name is the newest, and all of them in order are the record's history.
 */
final class DlqHeaders {

    static final String CAUSE = "spillway.dlq.cause";
    static final String KIND = "spillway.dlq.kind";
    static final String TOPIC = "spillway.dlq.topic";
    static final String PARTITION = "spillway.dlq.partition";
    static final String OFFSET = "spillway.dlq.offset";
    static final String SQL_STATE = "spillway.dlq.sqlstate";
    static final String DROPPED = "spillway.dlq.dropped";
    /** How many times the record has been replayed from the DLQ. */
    static final String REPLAY_COUNT = "spillway.replay.count";
    /** The dead letter (topic-partition-offset) each replay came from, oldest first. */
    static final String REPLAY_OF = "spillway.replay.of";
    /** Present when the operator replaced the value before replaying. */
    static final String REPLAY_CORRECTED = "spillway.replay.corrected";

    private DlqHeaders() {}

    static String last(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static List<String> all(Headers headers, String name) {
        List<String> values = new ArrayList<>();
        for (Header header : headers.headers(name)) {
            values.add(header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    static int replayCount(Headers headers) {
        String count = last(headers, REPLAY_COUNT);
        try {
            return count == null ? 0 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
