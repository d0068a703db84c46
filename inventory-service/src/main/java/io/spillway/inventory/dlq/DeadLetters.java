package io.spillway.inventory.dlq;

import io.spillway.contract.Topics;
import io.spillway.inventory.LiveProperties;
import io.spillway.inventory.audit.AuditLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dead letters with what operators did with them, and the two things they can do: replay a
 * record onto the topic it came from, or discard it. Each is done once per dead letter: the row in
 * {@code dlq_actions} is inserted first, in the transaction that also writes the audit entry, and a
 * second replay or a replay racing a discard meets its primary key.
 *
 * <p>A replay sends the record as it was received (key, value and headers, the dead letter's cause
 * headers included as its history) plus {@code spillway.replay.*} headers, keyed as the original,
 * so the default partitioner puts it in its item's line again; a record without a key goes to the
 * partition it came from. The operator may replace the value ("fixed by hand"). The send is
 * acknowledged ({@code acks=all}) before the transaction commits.
 *
 * <p>Limits: a crash between the broker's acknowledgement and the commit leaves the dead letter
 * pending although it was replayed; replaying it again is harmless for an order (the processor
 * decides an order id once) but appends a second copy to the line. Only records from {@code
 * orders.requested} are replayed.
 */
@Component
public class DeadLetters implements DisposableBean {

    record Replayed(String id, String replayedTo, boolean corrected) {}

    static final class Conflict extends RuntimeException {
        Conflict(String message) {
            super(message);
        }
    }

    private final DeadLetterIndex index;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final AuditLog audit;
    private final Topics topics;
    private final Duration timeout;
    private final Map<String, Object> producerConfig;
    private Producer<byte[], byte[]> producer;

    DeadLetters(
            DeadLetterIndex index, JdbcTemplate jdbc, PlatformTransactionManager transactionManager, AuditLog audit,
            Topics topics, LiveProperties settings, KafkaProperties kafka, KafkaConnectionDetails connection) {
        this.index = index;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.audit = audit;
        this.topics = topics;
        this.timeout = settings.kafkaTimeout();
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getProducer().getBootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "inventory-dlq-replay");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 2_000));
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producerConfig = config;
    }

    /** A sale's dead letters (those whose key names it) by what was done with them. */
    public record Counts(long total, long pending, long replayed, long discarded) {}

    public Counts countsFor(String saleId) {
        List<DeadLetter> ofSale = list().stream().filter(letter -> saleId.equals(letter.saleId())).toList();
        return new Counts(ofSale.size(),
                ofSale.stream().filter(letter -> letter.state().equals("PENDING")).count(),
                ofSale.stream().filter(letter -> letter.state().equals("REPLAYED")).count(),
                ofSale.stream().filter(letter -> letter.state().equals("DISCARDED")).count());
    }

    /** Every dead letter kept, newest first, with what was done with it. */
    List<DeadLetter> list() {
        List<DeadLetter> letters = index.current();
        Map<String, String> actions = new LinkedHashMap<>();
        jdbc.query("SELECT dlq_id, action FROM dlq_actions", rs -> {
            actions.put(rs.getString(1), rs.getString(2));
        });
        return letters.reversed().stream()
                .map(letter -> actions.containsKey(letter.id()) ? letter.withState(actions.get(letter.id())) : letter)
                .toList();
    }

    Optional<Replayed> replay(DlqId id, String correctedValue) {
        Optional<ConsumerRecord<byte[], byte[]>> found = index.read(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ConsumerRecord<byte[], byte[]> record = found.get();
        DeadLetter before = DeadLetterIndex.summarise(record);
        if (!topics.requested().equals(before.originTopic())) {
            throw new Conflict("only dead letters of " + topics.requested() + " are replayed; this one came from "
                    + before.originTopic() + ".");
        }
        return Optional.of(transactions.execute(status -> {
            claim(id, "REPLAYED");
            RecordMetadata sent = send(toReplay(id, record, before, correctedValue));
            String replayedTo = sent.topic() + "-" + sent.partition() + "-" + sent.offset();
            jdbc.update("UPDATE dlq_actions SET replayed_to = ? WHERE dlq_id = ?", replayedTo, id.toString());
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("state", "REPLAYED");
            after.put("replayedTo", replayedTo);
            after.put("corrected", correctedValue != null);
            if (correctedValue != null) {
                after.put("value", correctedValue);
            }
            audit.record("dlq.replay", id.toString(), before, after);
            return new Replayed(id.toString(), replayedTo, correctedValue != null);
        }));
    }

    boolean discard(DlqId id) {
        Optional<ConsumerRecord<byte[], byte[]>> found = index.read(id);
        if (found.isEmpty()) {
            return false;
        }
        DeadLetter before = DeadLetterIndex.summarise(found.get());
        transactions.executeWithoutResult(status -> {
            claim(id, "DISCARDED");
            audit.record("dlq.discard", id.toString(), before, Map.of("state", "DISCARDED"));
        });
        return true;
    }

    private void claim(DlqId id, String action) {
        int claimed = jdbc.update("INSERT INTO dlq_actions (dlq_id, action, actor) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                id.toString(), action, AuditLog.actor());
        if (claimed == 0) {
            String done = jdbc.queryForObject("SELECT action FROM dlq_actions WHERE dlq_id = ?", String.class, id.toString());
            throw new Conflict("Dead letter " + id + " was already " + done.toLowerCase(java.util.Locale.ROOT) + ".");
        }
    }

    private ProducerRecord<byte[], byte[]> toReplay(DlqId id, ConsumerRecord<byte[], byte[]> record, DeadLetter letter, String corrected) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.remove(DlqHeaders.REPLAY_COUNT);
        headers.add(DlqHeaders.REPLAY_COUNT, utf8(Integer.toString(letter.replayCount() + 1)));
        headers.add(DlqHeaders.REPLAY_OF, utf8(id.toString()));
        byte[] value = record.value();
        if (corrected != null) {
            headers.add(DlqHeaders.REPLAY_CORRECTED, utf8("true"));
            value = utf8(corrected);
        }
        // Keyed as the original: the default partitioner puts it in its item's line. Without a key,
        // the partition it came from.
        Integer partition = record.key() == null ? letter.originPartition() : null;
        return new ProducerRecord<>(letter.originTopic(), partition, record.key(), value, headers);
    }

    private RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
        try {
            return producer().send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new BrokerUnavailable(e);
        }
    }

    static final class BrokerUnavailable extends RuntimeException {
        BrokerUnavailable(Throwable cause) {
            super("the broker did not acknowledge the replay", cause);
        }
    }

    private synchronized Producer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public synchronized void destroy() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
