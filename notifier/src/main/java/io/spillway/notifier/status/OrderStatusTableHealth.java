package io.spillway.notifier.status;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * The readiness of the instance ({@code management.endpoint.health.group.readiness}): out of service
 * until the global store has restored the whole status topic ({@link StatusStoreReadiness}), so that
 * a new instance takes no buyer whose decided order it would answer {@code QUEUED}; down when the
 * Kafka Streams of the table have stopped or failed.
 *
 * <p>Limits: the status topic's partition count is asked of the broker once; until the broker
 * answers the instance stays out of service.
 */
final class OrderStatusTableHealth implements HealthIndicator {

    private final StatusStoreReadiness readiness;
    private final StreamsBuilderFactoryBean streams;
    private final Admin admin;
    private final String statusTopic;
    private volatile int partitions;

    OrderStatusTableHealth(StatusStoreReadiness readiness, StreamsBuilderFactoryBean streams, Admin admin, String statusTopic) {
        this.readiness = readiness;
        this.streams = streams;
        this.admin = admin;
        this.statusTopic = statusTopic;
    }

    @Override
    public Health health() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        KafkaStreams.State state = kafkaStreams == null ? KafkaStreams.State.CREATED : kafkaStreams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
            return Health.down().withDetail("streams", state.name()).build();
        }
        if (readiness.restored(partitions())) {
            return Health.up().withDetail("streams", state.name()).build();
        }
        return Health.outOfService()
                .withDetail("streams", state.name())
                .withDetail("statusPartitionsRestored", readiness.partitionsRestored())
                .withDetail("statusPartitions", partitions)
                .build();
    }

    private int partitions() {
        if (partitions == 0) {
            try {
                partitions = admin.describeTopics(java.util.List.of(statusTopic)).allTopicNames()
                        .get(2, TimeUnit.SECONDS).get(statusTopic).partitions().size();
            } catch (Exception notKnownYet) {
                // Asked again at the next probe; out of service meanwhile.
                if (notKnownYet instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return partitions;
    }
}
