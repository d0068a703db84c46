package io.spillway.contract.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.kafka.config.TopicBuilder;

/**
 * How durable every topic a service creates is: {@code spillway.topics.replication-factor} and
 * {@code spillway.topics.min-insync-replicas}, one setting for the catalogue (when the services
 * create it), the notifier's status topic and Kafka Streams' internal topics. Production sets 3 and
 * 2 (infra/k8s/overlays/production); the operations module's consistency check fails on less.
 *
 * <p>Limits: applied when a topic is created; an existing topic keeps its settings. An unset
 * {@code min-insync-replicas} leaves the broker's default.
 */
@ConfigurationProperties("spillway.topics")
public record TopicDurability(@DefaultValue("1") short replicationFactor, Integer minInsyncReplicas) {

    public TopicDurability {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("spillway.topics.replication-factor must be at least 1");
        }
        if (minInsyncReplicas != null && (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor)) {
            // A topic whose min.insync.replicas exceeds its replicas refuses every acks=all write.
            throw new IllegalArgumentException("spillway.topics.min-insync-replicas must be between 1 and the replication factor "
                    + replicationFactor + ", is " + minInsyncReplicas);
        }
    }

    /** The builder with this replication factor and, when set, min.insync.replicas. */
    public TopicBuilder applyTo(TopicBuilder builder) {
        builder.replicas(replicationFactor);
        if (minInsyncReplicas != null) {
            builder.config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas));
        }
        return builder;
    }

    /**
     * Kafka Streams' settings for the internal topics it creates (changelogs, repartition topics):
     * StreamsConfig's {@code replication.factor} and {@code topic.}-prefixed topic configs, by name
     * because the contract does not depend on kafka-streams.
     */
    public Map<String, Object> streamsConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("replication.factor", (int) replicationFactor);
        if (minInsyncReplicas != null) {
            config.put("topic." + TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas));
        }
        return config;
    }
}
