package io.spillway.inventory.summary;

import io.spillway.contract.Topics;
import io.spillway.inventory.LiveProperties;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The lines of a sale's items in {@code orders.requested} and how far the processor has decided
 * them: the processor group's committed offsets against the partitions' end offsets, through the
 * Kafka admin API.
 *
 * <p>An item's line is the partition its key {@code saleId/sku} maps to with the default
 * partitioner (murmur2), as the door sends it.
 *
 * <p>Limits: the lag of a partition counts every record in it that the group has not committed:
 * other sales' orders sharing the partition, and records that will be dead-lettered, included. It is
 * an upper bound of the sale's undecided orders, exact when the sale's lines are its own. The
 * processor commits after deciding, so a decided batch not yet committed counts as lag for a moment.
 */
@Component
class LineOffsets implements DisposableBean {

    record Lag(Set<Integer> partitions, long committed, long end) {
        long records() {
            return Math.max(0, end - committed);
        }
    }

    private final KafkaAdmin kafkaAdmin;
    private final Topics topics;
    private final LiveProperties settings;
    private Admin admin;

    LineOffsets(KafkaAdmin kafkaAdmin, Topics topics, LiveProperties settings) {
        this.kafkaAdmin = kafkaAdmin;
        this.topics = topics;
        this.settings = settings;
    }

    static int partitionOf(String saleId, String sku, int partitions) {
        return Utils.toPositive(Utils.murmur2((saleId + "/" + sku).getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    Lag lag(String saleId, Collection<String> skus) throws ExecutionException, TimeoutException, InterruptedException {
        Admin client = admin();
        long timeout = settings.kafkaTimeout().toMillis();
        int partitionCount = client.describeTopics(Set.of(topics.requested())).allTopicNames()
                .get(timeout, TimeUnit.MILLISECONDS).get(topics.requested()).partitions().size();
        Set<Integer> partitions = skus.stream().map(sku -> partitionOf(saleId, sku, partitionCount))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<TopicPartition> lines = partitions.stream().map(p -> new TopicPartition(topics.requested(), p)).collect(Collectors.toSet());
        Map<TopicPartition, OffsetAndMetadata> committed = client.listConsumerGroupOffsets(settings.processorGroup())
                .partitionsToOffsetAndMetadata().get(timeout, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = client
                .listOffsets(lines.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all().get(timeout, TimeUnit.MILLISECONDS);
        long committedSum = 0;
        long endSum = 0;
        for (TopicPartition line : lines) {
            long end = ends.get(line).offset();
            OffsetAndMetadata done = committed.get(line);
            // A line the group never committed is undecided from its start; the topic may have been
            // trimmed, but an untouched line of a live sale is not.
            committedSum += done == null ? 0 : Math.min(done.offset(), end);
            endSum += end;
        }
        return new Lag(partitions, committedSum, endSum);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new java.util.HashMap<>(kafkaAdmin.getConfigurationProperties());
            config.put("client.id", "inventory-summary");
            admin = Admin.create(config);
        }
        return admin;
    }

    @Override
    public synchronized void destroy() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(5));
        }
    }
}
