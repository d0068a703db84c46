package io.spillway.processor.store;

import io.spillway.contract.EventJson;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderResult;
import io.spillway.processor.publish.OutboxRelay;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts events into {@code results_outbox} inside the caller's transaction, in the order given (the
 * identity {@code seq} follows it), and returns them as rows for {@link OutboxRelay}. Events are JSON
 * and travel as text, converted to bytes by the database: one statement however many.
 */
final class Outbox {

    /** An event to store, with the line whose owner publishes it (null: the intake's). */
    record Entry(Integer line, OrderId orderId, OrderResult event) {}

    /** Steps at least this large write their JSON in parallel. */
    private static final int PARALLEL_WRITE = 256;

    private Outbox() {}

    static List<OutboxRelay.Row> insert(JdbcTemplate jdbc, List<Entry> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        // Writing JSON is most of the thread's own work here; a large step's is spread over the cores while
        // the database and the broker, which wait for this thread, have nothing to do (as reading a poll).
        byte[][] events = (entries.size() >= PARALLEL_WRITE ? entries.parallelStream() : entries.stream())
                .map(e -> EventJson.writeResult(e.event()))
                .toArray(byte[][]::new);
        // Only the identities come back: the events are at hand, and returning them cost a step of 2,000 the
        // transfer and hex decoding of every one again. Identities are taken in insertion order (ORDER BY n).
        List<Long> seqs = jdbc.queryForList(
                """
                INSERT INTO results_outbox (line, order_id, event)
                SELECT e.line, e.order_id, convert_to(e.event, 'UTF8')
                  FROM unnest(?::smallint[], ?::uuid[], ?::text[]) WITH ORDINALITY AS e (line, order_id, event, n)
                 ORDER BY e.n
                RETURNING seq""",
                Long.class,
                entries.stream().map(Entry::line).toArray(Integer[]::new),
                entries.stream().map(e -> e.orderId().toString()).toArray(String[]::new),
                Arrays.stream(events).map(event -> new String(event, StandardCharsets.UTF_8)).toArray(String[]::new));
        long[] sorted = seqs.stream().mapToLong(Long::longValue).sorted().toArray();
        List<OutboxRelay.Row> rows = new ArrayList<>(entries.size());
        for (int i = 0; i < sorted.length; i++) {
            rows.add(new OutboxRelay.Row(sorted[i], entries.get(i).orderId().value(), events[i]));
        }
        return rows;
    }
}
