package io.spillway.inventory.catalog;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.inventory.catalog.*}: the relay that publishes sales and availability to Kafka.
 *
 * @param enabled false only where no broker is wanted (a test of the sales API alone)
 * @param pollInterval how often PostgreSQL is read for changes: the most the door's view lags
 *     behind the processor's decisions, plus the broker's round trip
 * @param publishTimeout how long one publish may wait for the broker before the poll gives up
 * @param createdSaleWait how long {@code POST /api/v1/sales} waits for its sale to be published
 *     before it answers 201 anyway
 * @param seatChunksPerPoll the most seat chunks (of up to 10,000 seats) one poll publishes: a
 *     large sale is published over several polls, availability in between
 */
@ConfigurationProperties("spillway.inventory.catalog")
record CatalogProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("250ms") Duration pollInterval,
        @DefaultValue("10s") Duration publishTimeout,
        @DefaultValue("2s") Duration createdSaleWait,
        @DefaultValue("100") int seatChunksPerPoll) {

    CatalogProperties {
        if (seatChunksPerPoll < 1) {
            throw new IllegalArgumentException("seat-chunks-per-poll must be at least 1");
        }
    }
}
