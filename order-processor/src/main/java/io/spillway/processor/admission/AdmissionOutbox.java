package io.spillway.processor.admission;

import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.processor.ProcessorProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * {@code admission_outbox}: the admitter's events stored in the transaction that decides them, then
 * published to {@link AdmissionTopics#admissions} ({@code acks=all}) and deleted once the broker has
 * them all. A crash in between leaves the rows; the room's next step publishes them again before it
 * decides anything, so an event may reach the topic twice, identically (the same token: it is the
 * stored bytes), never not at all.
 *
 * <p>Limits: waits on the caller's thread, at most {@code spillway.processor.publish-timeout}; two
 * instances that both step a room during a rebalance may both publish its leftovers.
 */
final class AdmissionOutbox {

    /** One stored event. */
    record Row(long seq, String key, byte[] event) {}

    private final JdbcTemplate jdbc;
    private final KafkaTemplate<byte[], byte[]> producer;
    private final AdmissionTopics topics;
    private final ProcessorProperties settings;

    AdmissionOutbox(
            JdbcTemplate jdbc,
            @Qualifier("deadLetterTemplate") KafkaTemplate<byte[], byte[]> producer,
            AdmissionTopics topics,
            ProcessorProperties settings) {
        this.jdbc = jdbc;
        this.producer = producer;
        this.topics = topics;
        this.settings = settings;
    }

    /** Inside the caller's transaction: stores the events in the order given. */
    List<Row> insert(List<AdmissionEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        return jdbc.query(
                """
                INSERT INTO admission_outbox (room_id, record_key, event)
                SELECT e.room_id, e.record_key, convert_to(e.event, 'UTF8')
                  FROM unnest(?::varchar[], ?::varchar[], ?::text[]) WITH ORDINALITY AS e (room_id, record_key, event, n)
                 ORDER BY e.n
                RETURNING seq, record_key, event""",
                (rs, i) -> new Row(rs.getLong("seq"), rs.getString("record_key"), rs.getBytes("event")),
                events.stream().map(e -> e.roomId().value()).toArray(String[]::new),
                events.stream().map(AdmissionEvent::key).toArray(String[]::new),
                events.stream()
                        .map(e -> new String(AdmissionJson.writeEvent(e), StandardCharsets.UTF_8))
                        .toArray(String[]::new));
    }

    /** The rows a room's earlier step or poll left (a crash, a failed publication), oldest first. */
    List<Row> leftOver(String roomId, int limit) {
        return jdbc.query(
                "SELECT seq, record_key, event FROM admission_outbox WHERE room_id = ? ORDER BY seq LIMIT ?",
                (rs, i) -> new Row(rs.getLong("seq"), rs.getString("record_key"), rs.getBytes("event")),
                roomId, limit);
    }

    /**
     * Sends the rows in {@code seq} order, waits for the broker, deletes them.
     *
     * @throws KafkaException if the broker did not take them all in time; the rows stay
     */
    void publish(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
        for (Row row : rows.stream().sorted(Comparator.comparingLong(Row::seq)).toList()) {
            sends.add(producer.send(new ProducerRecord<>(
                    topics.admissions(), row.key().getBytes(StandardCharsets.UTF_8), row.event())));
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("the broker did not take the admission events", e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("the broker did not acknowledge the admission events in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for the broker", e);
        }
        jdbc.update("DELETE FROM admission_outbox WHERE seq = ANY (?::bigint[])",
                (Object) rows.stream().map(Row::seq).toArray(Long[]::new));
    }
}
