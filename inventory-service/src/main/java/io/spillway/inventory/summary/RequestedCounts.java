package io.spillway.inventory.summary;

import io.spillway.contract.Topics;
import io.spillway.inventory.LiveProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * How many records of each sale {@code orders.requested} holds: every record the door wrote (keyed
 * {@code saleId/sku}), every replayed dead letter. Read from the topic itself with assigned
 * partitions and no group, from the start of each partition; on each use it reads on to the end
 * offsets of that moment, so a count is never older than the request asking for it. Only keys are
 * read (values are not even copied) and only a count per sale is kept: memory grows with the number
 * of sales, never with the number of orders.
 *
 * <p>Why count records rather than take the processor group's lag: a partition holds the lines of
 * many items of many sales, so its lag counts other sales' orders too. Every record of a sale ends
 * as a decided order (a row of {@code orders}), a dead letter, a repeat of an order already decided,
 * or is still undecided; so undecided = counted − decided − dead-lettered, exact but for repeats
 * (docs/admin.md, "Summary").
 *
 * <p>Limits: reading on is bounded by {@link LiveProperties#kafkaTimeout()}; a request that hits it
 * (the first one after a start, with millions of records to read) answers with what was counted so
 * far and how many records are left ({@link Counted#behind()}); the next goes on from there. Records
 * the topic's retention deleted before they were counted are not counted: a sale whose records are
 * older than the retention counts fewer records than it had. Every instance reads the whole topic
 * (keys only) while someone watches a summary.
 */
@Component
class RequestedCounts implements DisposableBean {

    /** A sale's count and how many records of the topic were not read yet when it was taken. */
    record Counted(long records, long behind) {}

    private static final Deserializer<Void> SKIPPED = (topic, data) -> null;

    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final Duration timeout;
    private final Map<String, long[]> counts = new HashMap<>();
    private Consumer<byte[], Void> consumer;

    RequestedCounts(KafkaProperties kafka, KafkaConnectionDetails connection, Topics topics, LiveProperties settings) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getConsumer().getBootstrapServers());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "inventory-requested-counter");
        // Committed records only, as the processor reads them.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumerConfig = config;
        this.topic = topics.requested();
        this.timeout = settings.kafkaTimeout();
    }

    /** The sale's records, after reading on to the topic's end offsets of now. */
    synchronized Counted of(String saleId) {
        long behind = readOn();
        long[] count = counts.get(saleId);
        return new Counted(count == null ? 0 : count[0], behind);
    }

    /** Reads on to the end offsets of now, at most for the timeout; answers the records left unread. */
    private long readOn() {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), SKIPPED);
        }
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
        if (partitions == null || partitions.isEmpty()) {
            return 0;
        }
        if (consumer.assignment().size() != partitions.size()) {
            // First use, or partitions were added: the new ones are read from their start.
            List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            List<TopicPartition> added = all.stream().filter(tp -> !consumer.assignment().contains(tp)).toList();
            consumer.assign(all);
            consumer.seekToBeginning(added);
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        long behind;
        while ((behind = behind(end)) > 0 && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], Void> record : consumer.poll(Duration.ofMillis(100))) {
                String saleId = saleOf(record.key());
                if (saleId != null) {
                    counts.computeIfAbsent(saleId, id -> new long[1])[0]++;
                }
            }
        }
        return behind;
    }

    private long behind(Map<TopicPartition, Long> end) {
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            behind += Math.max(0, partition.getValue() - consumer.position(partition.getKey(), timeout));
        }
        return behind;
    }

    /** The sale a key {@code saleId/sku} names, or null for a key that names none. */
    static String saleOf(byte[] key) {
        if (key == null) {
            return null;
        }
        for (int i = 1; i < key.length; i++) {
            if (key[i] == '/') {
                return new String(key, 0, i, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Override
    public synchronized void destroy() {
        if (consumer != null) {
            consumer.close();
        }
    }
}
