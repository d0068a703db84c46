package io.spillway.contract.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.kafka.config.TopicBuilder;

class TopicDurabilityTest {

    private static TopicDurability bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("spillway.topics", TopicDurability.class);
    }

    @Test
    void productionsThreeReplicasAndTwoInSyncReachEveryCreatedTopic() {
        TopicDurability durability = bind(Map.of("spillway.topics.replication-factor", "3", "spillway.topics.min-insync-replicas", "2"));
        NewTopic topic = durability.applyTo(TopicBuilder.name("orders.status").partitions(12)).build();
        assertThat(topic.replicationFactor()).isEqualTo((short) 3);
        assertThat(topic.configs()).containsEntry("min.insync.replicas", "2");
        assertThat(durability.streamsConfig()).containsEntry("replication.factor", 3).containsEntry("topic.min.insync.replicas", "2");
    }

    @Test
    void unsetItIsOneReplicaAndTheBrokersMinInsyncReplicas() {
        TopicDurability durability = bind(Map.of());
        NewTopic topic = durability.applyTo(TopicBuilder.name("sales").partitions(1)).build();
        assertThat(topic.replicationFactor()).isEqualTo((short) 1);
        assertThat(Optional.ofNullable(topic.configs()).orElse(Map.of())).doesNotContainKey("min.insync.replicas");
        assertThat(durability.streamsConfig()).containsOnlyKeys("replication.factor");
    }

    @Test
    void moreInSyncReplicasThanReplicasIsRefusedAtStartUp() {
        assertThatThrownBy(() -> bind(Map.of("spillway.topics.replication-factor", "1", "spillway.topics.min-insync-replicas", "2")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("min-insync-replicas must be between 1 and the replication factor 1, is 2");
    }
}
