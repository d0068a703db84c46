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
 *     {@code refused}) for metrics
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

    /** A record that cannot be read, or is not where its order belongs: no database was asked. */
    public DeadLetter(ConsumerRecord<byte[], byte[]> source, String kind, String cause) {
        this(source, kind, cause, null);
    }

    ProducerRecord<byte[], byte[]> toRecord(String dlqTopic) {
        RecordHeaders headers = new RecordHeaders(source.headers().toArray());
        headers.add(CAUSE, utf8(cause));
        headers.add(KIND, utf8(kind));
        headers.add(TOPIC, utf8(source.topic()));
        headers.add(PARTITION, utf8(Integer.toString(source.partition())));
        headers.add(OFFSET, utf8(Long.toString(source.offset())));
        if (sqlState != null) {
            headers.add(SQL_STATE, utf8(sqlState));
        }
        return new ProducerRecord<>(dlqTopic, null, source.key(), source.value(), headers);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
