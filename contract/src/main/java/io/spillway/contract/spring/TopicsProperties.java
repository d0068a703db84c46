package io.spillway.contract.spring;

import io.spillway.contract.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code spillway.topics.*}: the topic catalogue as configured; defaults are the contract's names. */
@ConfigurationProperties("spillway.topics")
public record TopicsProperties(
        @DefaultValue("orders.requested") String requested,
        @DefaultValue("orders.results") String results,
        @DefaultValue("orders.dlq") String dlq,
        @DefaultValue("12") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("true") boolean create,
        @DefaultValue(Topics.DEFAULT_SALES) String sales,
        @DefaultValue(Topics.DEFAULT_AVAILABILITY) String availability,
        String seats,
        String commands,
        String holds) {

    /**
     * {@code seats} unset is the sales topic's name with {@code .seats} ({@link Topics#seatsOf});
     * {@code commands} and {@code holds} unset are named after {@code requested} ({@link
     * Topics#siblingOf}).
     */
    @ConstructorBinding
    public TopicsProperties {
        seats = seats == null || seats.isBlank() ? Topics.seatsOf(sales) : seats;
        commands = commands == null || commands.isBlank() ? Topics.siblingOf(requested, "commands") : commands;
        holds = holds == null || holds.isBlank() ? Topics.siblingOf(requested, "holds") : holds;
    }

    /** The settings before the holds topics were added; those are named after {@code requested}. */
    public TopicsProperties(
            String requested, String results, String dlq, int partitions, short replicationFactor, boolean create,
            String sales, String availability, String seats) {
        this(requested, results, dlq, partitions, replicationFactor, create, sales, availability, seats, null, null);
    }

    /** The settings before the seats topic was added; it is named after the sales topic. */
    public TopicsProperties(
            String requested, String results, String dlq, int partitions, short replicationFactor, boolean create,
            String sales, String availability) {
        this(requested, results, dlq, partitions, replicationFactor, create, sales, availability, null);
    }

    /** The settings before the catalogue topics were added; those take their default names. */
    public TopicsProperties(
            String requested, String results, String dlq, int partitions, short replicationFactor, boolean create) {
        this(requested, results, dlq, partitions, replicationFactor, create, Topics.DEFAULT_SALES,
                Topics.DEFAULT_AVAILABILITY);
    }

    public Topics toTopics() {
        return new Topics(requested, results, dlq, partitions, replicationFactor, sales, availability, seats,
                commands, holds);
    }
}
