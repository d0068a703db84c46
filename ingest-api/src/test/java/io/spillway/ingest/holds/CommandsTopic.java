package io.spillway.ingest.holds;

import io.spillway.contract.EventJson;
import io.spillway.contract.HoldOpened;
import io.spillway.contract.OrderCommand;
import io.spillway.contract.OrderId;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The door's two topics as a test sees them: {@code orders.holds}, where it plays the processor
 * opening a hold, and {@code orders.commands}, whose end offsets show what the door published.
 */
final class CommandsTopic implements AutoCloseable {

    private final String bootstrap;
    private final Topics topics;
    private final Admin admin;

    CommandsTopic(String bootstrap, Topics topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Creates the commands topic and, if asked, the holds topic, as the contract's configuration would. */
    void create(boolean holds) throws Exception {
        List<NewTopic> wanted = new ArrayList<>(List.of(
                new NewTopic(topics.commands(), topics.partitions(), topics.replicationFactor())
                        .configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"))));
        if (holds) {
            wanted.add(new NewTopic(topics.holds(), 1, topics.replicationFactor())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        }
        for (NewTopic topic : wanted) {
            try {
                admin.createTopics(List.of(topic)).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /** Publishes the hold as the processor does: keyed by order id on {@code orders.holds}. */
    void openHold(OrderId orderId, Instant holdExpiresAt) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            HoldOpened hold = new HoldOpened(1, orderId, SaleId.of("held-sale"), Sku.of("GA"), holdExpiresAt);
            producer.send(new ProducerRecord<>(topics.holds(), orderId.toString(), EventJson.writeHold(hold))).get();
        }
    }

    /** The end offset of every partition of {@code orders.commands}. */
    Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < topics.partitions(); partition++) {
            latest.put(new TopicPartition(topics.commands(), partition), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    /** Every command appended between two sets of end offsets, with its key. */
    List<ConsumerRecord<String, OrderCommand>> between(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        List<ConsumerRecord<String, OrderCommand>> found = new ArrayList<>();
        long wanted = to.entrySet().stream().mapToLong(e -> e.getValue() - from.get(e.getKey())).sum();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            while (found.size() < wanted) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
                        found.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.key(),
                                EventJson.readCommand(record.value())));
                    }
                }
            }
        }
        return found;
    }

    @Override
    public void close() {
        admin.close();
    }
}
