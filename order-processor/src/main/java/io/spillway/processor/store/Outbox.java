package io.spillway.processor.store;

import io.spillway.contract.EventJson;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderResult;
import io.spillway.processor.publish.OutboxRelay;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts events into {@code results_outbox} inside the caller's transaction, in the order given (the
 * identity {@code seq} follows it), and returns them as rows for {@link OutboxRelay}. Events are JSON
 * and travel as text, converted to bytes by the database: one statement however many.
 */
final class Outbox {

    /** An event to store, with the line whose owner publishes it (null: the intake's). */
    record Entry(Integer line, OrderId orderId, OrderResult event) {}

    private Outbox() {}

    static List<OutboxRelay.Row> insert(JdbcTemplate jdbc, List<Entry> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        return jdbc.query(
                """
                INSERT INTO results_outbox (line, order_id, event)
                SELECT e.line, e.order_id, convert_to(e.event, 'UTF8')
                  FROM unnest(?::smallint[], ?::uuid[], ?::text[]) WITH ORDINALITY AS e (line, order_id, event, n)
                 ORDER BY e.n
                RETURNING seq, order_id, event""",
                (rs, i) -> new OutboxRelay.Row(
                        rs.getLong("seq"), rs.getObject("order_id", UUID.class), rs.getBytes("event")),
                entries.stream().map(Entry::line).toArray(Integer[]::new),
                entries.stream().map(e -> e.orderId().toString()).toArray(String[]::new),
                entries.stream()
                        .map(e -> new String(EventJson.writeResult(e.event()), StandardCharsets.UTF_8))
                        .toArray(String[]::new));
    }
}
