package io.spillway.inventory;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.inventory.live.*}: what the admin API reads of the running pipeline.
 *
 * @param processorGroup the order-processor's consumer group ({@code SPILLWAY_PROCESSOR_GROUP}); its
 *     committed offsets on {@code orders.requested} are how far each line is decided
 * @param kafkaTimeout how long one summary or dead-letter request waits for the broker
 * @param summaryTtl how long a sale's summary is reused: a console refreshing every second, in many
 *     browsers, costs the database and the broker one read per sale per second
 * @param maxDeadLetters how many dead letters are kept in memory for the list and the counts; older
 *     ones are still in {@code orders.dlq} and can be replayed by id
 */
@ConfigurationProperties("spillway.inventory.live")
public record LiveProperties(
        @DefaultValue("order-processor") String processorGroup,
        @DefaultValue("5s") Duration kafkaTimeout,
        @DefaultValue("1s") Duration summaryTtl,
        @DefaultValue("100000") int maxDeadLetters) {}
