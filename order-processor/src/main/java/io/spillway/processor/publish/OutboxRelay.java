package io.spillway.processor.publish;

import io.spillway.contract.EventJson;
import io.spillway.contract.HoldOpened;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.Topics;
import io.spillway.processor.ProcessorProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes {@code results_outbox} rows (events a hold step, the command intake or the opening's drain committed) to
 * {@code orders.results}, keyed by order id, {@code acks=all}, and deletes them once the broker has
 * them all. A crash in between leaves the rows, which the line's next step (or, for the intake's rows,
 * the intake) publishes again: an event may reach {@code orders.results} twice, identically, never
 * not at all.
 *
 * <p>Rows of one order go out in {@code seq} order on one producer, so a {@code PaymentRefused}
 * precedes the {@code OrderExpired} of the same step. Limits: waits on the caller's thread, at most
 * {@code spillway.processor.publish-timeout}.
 */
@Component
public class OutboxRelay {

    /** One stored event. */
    public record Row(long seq, UUID orderId, byte[] event) {}

    private final KafkaTemplate<byte[], byte[]> producer;
    private final JdbcTemplate jdbc;
    private final Topics topics;
    private final ProcessorProperties settings;

    OutboxRelay(
            KafkaTemplate<byte[], byte[]> deadLetterTemplate,
            JdbcTemplate jdbc,
            Topics topics,
            ProcessorProperties settings) {
        this.producer = deadLetterTemplate;
        this.jdbc = jdbc;
        this.topics = topics;
        this.settings = settings;
    }

    /** Rows handed to the producer, not yet known to be with the broker; their rows are still stored. */
    public static final class Sent {

        public static final Sent NONE = new Sent(new Long[0], List.of());

        private final Long[] seqs;
        private final List<CompletableFuture<?>> sends;

        private Sent(Long[] seqs, List<CompletableFuture<?>> sends) {
            this.seqs = seqs;
            this.sends = sends;
        }
    }

    /**
     * Sends the rows, waits for the broker, deletes them.
     *
     * @throws KafkaException if the broker did not take them all in time; the rows stay, for the next try
     */
    public void publish(List<Row> rows) {
        settle(send(rows));
    }

    /**
     * Hands the rows to the producer without waiting: the caller {@linkplain #settle settles} them later,
     * after other work, so that the broker's acknowledgement costs its thread nothing.
     */
    public Sent send(List<Row> rows) {
        if (rows.isEmpty()) {
            return Sent.NONE;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
        for (Row row : rows.stream().sorted(java.util.Comparator.comparingLong(Row::seq)).toList()) {
            byte[] key = row.orderId().toString().getBytes(StandardCharsets.UTF_8);
            sends.add(producer.send(new ProducerRecord<>(topics.results(), key, row.event())));
            // A held confirmation from the opening's drain: the door admits payments only for orders it
            // saw on orders.holds, as for a poll's (DecisionPublisher); a row published again sends it again.
            OrderConfirmed confirmed = heldConfirmation(row.event());
            if (confirmed != null) {
                sends.add(producer.send(new ProducerRecord<>(topics.holds(), key,
                        EventJson.writeHold(HoldOpened.of(confirmed)))));
            }
        }
        return new Sent(rows.stream().map(Row::seq).toArray(Long[]::new), sends);
    }

    /**
     * Waits for the broker to have every row sent, then deletes them.
     *
     * @throws KafkaException if the broker did not take them all in time; the rows stay, for the next try
     */
    public void settle(Sent sent) {
        if (sent.seqs.length == 0) {
            return;
        }
        await(sent.sends);
        jdbc.update("DELETE FROM results_outbox WHERE seq = ANY (?::bigint[])", (Object) sent.seqs);
    }

    private static OrderConfirmed heldConfirmation(byte[] event) {
        if (!new String(event, 0, Math.min(event.length, 40), StandardCharsets.UTF_8).contains("OrderConfirmed")) {
            return null;
        }
        return EventJson.readResult(event) instanceof OrderConfirmed confirmed && confirmed.held() ? confirmed : null;
    }

    /** Rows of these lines (null: the intake's) created before {@code olderThanSeconds}; oldest first. */
    public List<Row> leftOver(Integer[] lines, boolean intake, long olderThanSeconds, int limit) {
        return jdbc.query(
                """
                SELECT seq, order_id, event FROM results_outbox
                 WHERE (line = ANY (?::smallint[]) OR (? AND line IS NULL))
                   AND created_at <= now() - make_interval(secs => ?)
                 ORDER BY seq LIMIT ?""",
                (rs, i) -> new Row(rs.getLong("seq"), rs.getObject("order_id", UUID.class), rs.getBytes("event")),
                lines, intake, olderThanSeconds, limit);
    }

    /** Dead letters of unreadable commands, as received; returns once the broker has them all. */
    public void deadLetter(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (DeadLetter letter : letters) {
            sends.add(producer.send(letter.toRecord(topics.dlq())));
        }
        await(sends);
    }

    private void await(List<CompletableFuture<?>> sends) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("the broker did not take the outbox's events", e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("the broker did not acknowledge the outbox's events in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for the broker", e);
        }
    }
}
