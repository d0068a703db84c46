package io.spillway.processor.publish;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record of {@code orders.requested} the processor cannot decide, bound for {@code orders.dlq}
 * exactly as received (key, value and headers byte for byte) with the cause in headers.
 *
 * @param kind a short, fixed name of the cause ({@code unreadable}, {@code key-mismatch},
 *     {@code newer-version}, {@code refused}) for metrics
 * @param cause the human-readable cause
 * @param sqlState PostgreSQL's SQLState when the database refused the order ({@code refused}), else null
 */
public record DeadLetter(ConsumerRecord<byte[], byte[]> source, String kind, String cause, String sqlState) {

    public static final String CAUSE = "spillway.dlq.cause";
    public static final String KIND = "spillway.dlq.kind";
    public static final String TOPIC = "spillway.dlq.topic";
    public static final String PARTITION = "spillway.dlq.partition";
    public static final String OFFSET = "spillway.dlq.offset";
    public static final String SQL_STATE = "spillway.dlq.sqlstate";
    /** On a dead letter without the record's value: why, and the size of what was left out. */
    public static final String DROPPED = "spillway.dlq.dropped";
    public static final String VALUE_BYTES = "spillway.dlq.value-bytes";

    /** A key longer than this is left out of a dead letter without value too: keys of orders are short. */
    private static final int KEPT_KEY_BYTES = 1024;

    /** A record that cannot be read, or is not where its order belongs: no database was asked. */
    public DeadLetter(ConsumerRecord<byte[], byte[]> source, String kind, String cause) {
        this(source, kind, cause, null);
    }

    ProducerRecord<byte[], byte[]> toRecord(String dlqTopic) {
        RecordHeaders headers = causeAndOrigin(new RecordHeaders(source.headers().toArray()));
        return new ProducerRecord<>(dlqTopic, null, source.key(), source.value(), headers);
    }

    /** Adds the headers every dead letter carries: why, what kind, and where the record came from. */
    private RecordHeaders causeAndOrigin(RecordHeaders headers) {
        headers.add(CAUSE, utf8(cause));
        headers.add(KIND, utf8(kind));
        headers.add(TOPIC, utf8(source.topic()));
        headers.add(PARTITION, utf8(Integer.toString(source.partition())));
        headers.add(OFFSET, utf8(Long.toString(source.offset())));
        if (sqlState != null) {
            headers.add(SQL_STATE, utf8(sqlState));
        }
        return headers;
    }

    /**
     * The dead letter without the record's value and headers, for when the broker refused it as
     * received (larger than {@code orders.dlq} takes): the cause and the origin, so that an operator can
     * read the original from {@code orders.requested} while the topic retains it.
     */
    ProducerRecord<byte[], byte[]> toRecordWithoutValue(String dlqTopic, String refusal) {
        RecordHeaders headers = causeAndOrigin(new RecordHeaders());
        headers.add(VALUE_BYTES, utf8(Integer.toString(source.value() == null ? 0 : source.value().length)));
        headers.add(DROPPED, utf8("the value and headers were left out: " + dlqTopic + " refused the record as received ("
                + refusal + ")"));
        byte[] key = source.key() != null && source.key().length <= KEPT_KEY_BYTES ? source.key() : null;
        return new ProducerRecord<>(dlqTopic, null, key, null, headers);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
