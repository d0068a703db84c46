package io.spillway.contract.spring;

import io.spillway.contract.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code spillway.topics.*}: the topic catalogue as configured; defaults are the contract's names. */
@ConfigurationProperties("spillway.topics")
public record TopicsProperties(
        @DefaultValue("orders.requested") String requested,
        @DefaultValue("orders.results") String results,
        @DefaultValue("orders.dlq") String dlq,
        @DefaultValue("12") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("true") boolean create) {

    public Topics toTopics() {
        return new Topics(requested, results, dlq, partitions, replicationFactor);
    }
}
