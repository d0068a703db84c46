package io.spillway.processor.publish;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record of {@code orders.requested} the processor cannot decide, bound for {@code orders.dlq}
 * exactly as received (key, value and headers byte for byte) with the cause in headers.
 *
 * @param kind a short, fixed name of the cause ({@code unreadable}, {@code key-mismatch}) for metrics
 * @param cause the human-readable cause
 */
public record DeadLetter(ConsumerRecord<byte[], byte[]> source, String kind, String cause) {

    public static final String CAUSE = "spillway.dlq.cause";
    public static final String KIND = "spillway.dlq.kind";
    public static final String TOPIC = "spillway.dlq.topic";
    public static final String PARTITION = "spillway.dlq.partition";
    public static final String OFFSET = "spillway.dlq.offset";

    ProducerRecord<byte[], byte[]> toRecord(String dlqTopic) {
        RecordHeaders headers = new RecordHeaders(source.headers().toArray());
        headers.add(CAUSE, utf8(cause));
        headers.add(KIND, utf8(kind));
        headers.add(TOPIC, utf8(source.topic()));
        headers.add(PARTITION, utf8(Integer.toString(source.partition())));
        headers.add(OFFSET, utf8(Long.toString(source.offset())));
        return new ProducerRecord<>(dlqTopic, null, source.key(), source.value(), headers);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
