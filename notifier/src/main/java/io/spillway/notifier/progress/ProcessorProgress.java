package io.spillway.notifier.progress;

import io.spillway.contract.Topics;
import io.spillway.notifier.NotifierProperties;
import io.spillway.notifier.queue.QueueModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Feeds the {@link QueueModel} once a second with the processor group's committed offsets and the
 * end offsets of {@code orders.requested}: three small admin requests per second for the whole
 * instance, however many buyers ask.
 */
class ProcessorProgress {

    private static final Logger log = LoggerFactory.getLogger(ProcessorProgress.class);
    private static final long TIMEOUT_SECONDS = 5;

    private final Admin admin;
    private final QueueModel model;
    private final String topic;
    private final String group;
    private volatile boolean failing;

    ProcessorProgress(Admin admin, QueueModel model, Topics topics, NotifierProperties settings) {
        this.admin = admin;
        this.model = model;
        this.topic = topics.requested();
        this.group = settings.processorGroup();
    }

    @Scheduled(fixedDelay = 1000)
    void refresh() {
        try {
            long at = System.nanoTime() / 1_000_000;
            Map<Integer, Long> committed = new HashMap<>();
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            offsets.forEach((partition, offset) -> {
                // A null entry means the group holds no offset for that partition.
                if (partition.topic().equals(topic) && offset != null) {
                    committed.put(partition.partition(), offset.offset());
                }
            });
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(topic);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<Integer, Long> ends = new HashMap<>();
            Map<TopicPartition, ListOffsetsResultInfo> endOffsets =
                    admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            endOffsets.forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
            model.observe(at, committed, ends);
            if (failing) {
                failing = false;
                log.info("Reading the progress of group {} on {} works again", group, topic);
            }
        } catch (ExecutionException | TimeoutException e) {
            // Positions keep their last known values; logged once per outage, not once a second.
            if (!failing) {
                failing = true;
                log.warn("Cannot read the progress of group {} on {}: {}", group, topic, e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
