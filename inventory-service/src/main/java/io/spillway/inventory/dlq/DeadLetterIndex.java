package io.spillway.inventory.dlq;

import io.spillway.contract.Topics;
import io.spillway.inventory.LiveProperties;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * What is in {@code orders.dlq}, read from the topic itself: on each use it reads on from where it
 * stopped to the end offsets of that moment, so the list and the counts are never older than the
 * request asking for them. Dead letters are few (a record the processor cannot read or decide), so
 * their summaries are kept in memory.
 *
 * <p>Limits: at most {@link LiveProperties#maxDeadLetters()} are kept, the newest; older ones can
 * still be replayed or discarded by id. A dead letter the topic's retention deleted is gone from the
 * list after a restart. Reading on is bounded by {@link LiveProperties#kafkaTimeout()}; a request
 * that hits it answers with what was read so far.
 */
@Component
class DeadLetterIndex implements DisposableBean {

    static final int VALUE_PREVIEW = 2_000;

    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final Duration timeout;
    private final int max;
    private final ArrayDeque<DeadLetter> letters = new ArrayDeque<>();
    private Consumer<byte[], byte[]> consumer;

    DeadLetterIndex(KafkaProperties kafka, KafkaConnectionDetails connection, Topics topics, LiveProperties settings) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getConsumer().getBootstrapServers());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "inventory-dlq-reader");
        this.consumerConfig = config;
        this.topic = topics.dlq();
        this.timeout = settings.kafkaTimeout();
        this.max = settings.maxDeadLetters();
    }

    String topic() {
        return topic;
    }

    /** Every dead letter read so far, after reading on to the end; oldest first. */
    synchronized List<DeadLetter> current() {
        readOn();
        return List.copyOf(letters);
    }

    /** The record {@code id} names, read from the topic, or empty if the topic has no such record. */
    Optional<ConsumerRecord<byte[], byte[]>> read(DlqId id) {
        if (!id.topic().equals(topic)) {
            return Optional.empty();
        }
        try (Consumer<byte[], byte[]> reader = newConsumer("inventory-dlq-replay")) {
            TopicPartition partition = new TopicPartition(topic, id.partition());
            List<PartitionInfo> partitions = reader.partitionsFor(topic, timeout);
            if (partitions == null || partitions.stream().noneMatch(p -> p.partition() == id.partition())) {
                return Optional.empty();
            }
            long end = reader.endOffsets(List.of(partition), timeout).get(partition);
            if (id.offset() >= end) {
                return Optional.empty();
            }
            reader.assign(List.of(partition));
            reader.seek(partition, id.offset());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    if (record.offset() == id.offset()) {
                        return Optional.of(record);
                    }
                    if (record.offset() > id.offset()) {
                        return Optional.empty();
                    }
                }
                if (reader.position(partition) > id.offset()) {
                    return Optional.empty();
                }
            }
            throw new IllegalStateException("could not read " + id + " within " + timeout);
        }
    }

    static DeadLetter summarise(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        int slash = key == null ? -1 : key.indexOf('/');
        String saleId = slash > 0 ? key.substring(0, slash) : null;
        String partition = DlqHeaders.last(record.headers(), DlqHeaders.PARTITION);
        String offset = DlqHeaders.last(record.headers(), DlqHeaders.OFFSET);
        return new DeadLetter(
                new DlqId(record.topic(), record.partition(), record.offset()).toString(),
                Instant.ofEpochMilli(record.timestamp()),
                key,
                saleId,
                DlqHeaders.last(record.headers(), DlqHeaders.KIND),
                DlqHeaders.last(record.headers(), DlqHeaders.CAUSE),
                DlqHeaders.all(record.headers(), DlqHeaders.CAUSE),
                DlqHeaders.last(record.headers(), DlqHeaders.TOPIC),
                partition == null ? null : parseInt(partition),
                offset == null ? null : parseLong(offset),
                DlqHeaders.replayCount(record.headers()),
                record.value() == null ? 0 : record.value().length,
                preview(record.value()),
                "PENDING");
    }

    private void readOn() {
        if (consumer == null) {
            Consumer<byte[], byte[]> fresh = newConsumer("inventory-dlq-reader");
            List<PartitionInfo> partitions = fresh.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                // No dead letter was ever written: the topic is created with the first.
                fresh.close();
                return;
            }
            fresh.assign(partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList());
            fresh.seekToBeginning(fresh.assignment());
            consumer = fresh;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (behind(end) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                letters.addLast(summarise(record));
                if (letters.size() > max) {
                    letters.removeFirst();
                }
            }
        }
    }

    private boolean behind(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue());
    }

    private Consumer<byte[], byte[]> newConsumer(String clientId) {
        Map<String, Object> config = new java.util.HashMap<>(consumerConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + Long.toHexString(System.nanoTime()));
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String preview(byte[] value) {
        if (value == null) {
            return null;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            CharBuffer text = decoder.decode(ByteBuffer.wrap(value, 0, Math.min(value.length, VALUE_PREVIEW * 4)));
            return text.length() > VALUE_PREVIEW ? text.subSequence(0, VALUE_PREVIEW).toString() : text.toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static Integer parseInt(String text) {
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLong(String text) {
        try {
            return Long.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public synchronized void destroy() {
        if (consumer != null) {
            consumer.close();
        }
    }
}
