package io.spillway.notifier.status;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skips a record the notifier cannot read, logging where it is and why, so that one poison record
 * cannot stop the order-status table. The notifier only reads: the processor is the one that moves
 * unreadable requests to {@code orders.dlq}. Instantiated by Kafka Streams, hence public.
 */
public class SkipUnreadableRecords implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(SkipUnreadableRecords.class);

    @Override
    public DeserializationHandlerResponse handle(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        log.warn("Skipping unreadable record {}-{}@{}: {}",
                record.topic(), record.partition(), record.offset(), exception.getMessage());
        return DeserializationHandlerResponse.CONTINUE;
    }

    @Override
    public void configure(Map<String, ?> configs) {}
}
