package io.spillway.contract.spring;

import io.spillway.contract.OrderTokens;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionKeys;
import io.spillway.contract.admission.AdmissionTokens;
import io.spillway.contract.admission.AdmissionTopics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Gives every service the same {@link Topics} catalogue and, where an order token secret is
 * configured, the same {@link OrderTokens}. Locally the topics are created on start-up; in
 * production they are declared as Strimzi {@code KafkaTopic}s and {@code spillway.topics.create}
 * is false.
 */
@AutoConfiguration
@EnableConfigurationProperties({TopicsProperties.class, TopicDurability.class, OrderTokenProperties.class, HoldsProperties.class,
        AdmissionProperties.class, WarmupProperties.class})
public class SpillwayContractAutoConfiguration {

    @Bean
    Topics topics(TopicsProperties properties) {
        return properties.toTopics();
    }

    @Bean
    @ConditionalOnProperty("spillway.order-token.secret")
    OrderTokens orderTokens(OrderTokenProperties properties) {
        return new OrderTokens(properties.secret());
    }

    @Bean
    AdmissionTopics admissionTopics(Topics topics) {
        return AdmissionTopics.of(topics);
    }

    @Bean
    @Conditional(AdmissionKeysConfigured.class)
    AdmissionKeys admissionKeys(AdmissionProperties properties) {
        return AdmissionKeys.parse(properties.keys(), properties.signingKeyId());
    }

    @Bean
    @Conditional(AdmissionKeysConfigured.class)
    AdmissionTokens admissionTokens(AdmissionKeys keys) {
        return new AdmissionTokens(keys);
    }

    /**
     * A service that declares a {@link WarmupRound} is warmed before it reports ready; its readiness
     * group includes {@code warmup}. The gate exists even when disabled (it then reports UP), so that
     * the group's membership does not depend on a setting.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Warmup {

        @Bean
        @ConditionalOnBean(WarmupRound.class)
        WarmupGate warmup(WarmupRound round, WarmupProperties settings) {
            return new WarmupGate(round, settings);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(KafkaAdmin.class)
    @ConditionalOnProperty(name = "spillway.topics.create", havingValue = "true", matchIfMissing = true)
    static class TopicCreation {

        @Bean
        KafkaAdmin.NewTopics spillwayTopics(Topics topics, TopicDurability durability) {
            return new KafkaAdmin.NewTopics(
                    topic(topics.requested(), topics.partitions(), durability),
                    topic(topics.results(), topics.partitions(), durability),
                    topic(topics.dlq(), 1, durability),
                    durability.applyTo(TopicBuilder.name(topics.commands()).partitions(topics.partitions()))
                            .config(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime")
                            .build(),
                    durability.applyTo(TopicBuilder.name(topics.holds()).partitions(1))
                            .config(TopicConfig.CLEANUP_POLICY_CONFIG,
                                    TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE)
                            .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(HOLDS_RETENTION.toMillis()))
                            .build());
        }

        /** How long the door can tell a hold it has seen: the longest hold and a day of refunds' calls. */
        static final java.time.Duration HOLDS_RETENTION = java.time.Duration.ofDays(2);

        /**
         * The catalogue topics: compacted (a reader needs only the latest value per key), all with
         * the same settings. One partition each: every reader reads all of them.
         */
        @Bean
        KafkaAdmin.NewTopics spillwayCatalogTopics(Topics topics, TopicDurability durability) {
            return new KafkaAdmin.NewTopics(
                    compacted(topics.sales(), durability),
                    compacted(topics.seats(), durability),
                    compacted(topics.availability(), durability));
        }

        /**
         * The admission topics: a room's entries in one partition of {@code entries} (its line), the
         * admitter's events on {@code admissions}, the rooms themselves compacted like the catalogue.
         */
        @Bean
        KafkaAdmin.NewTopics spillwayAdmissionTopics(AdmissionTopics admission, TopicDurability durability) {
            return new KafkaAdmin.NewTopics(
                    compacted(admission.rooms(), durability),
                    topic(admission.entries(), admission.partitions(), durability),
                    topic(admission.admissions(), admission.partitions(), durability));
        }

        private static NewTopic compacted(String name, TopicDurability durability) {
            return durability.applyTo(TopicBuilder.name(name).partitions(1))
                    .config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                    .config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_CATALOG_RECORD_BYTES))
                    .build();
        }

        private static NewTopic topic(String name, int partitions, TopicDurability durability) {
            return durability.applyTo(TopicBuilder.name(name).partitions(partitions)).build();
        }
    }
}
