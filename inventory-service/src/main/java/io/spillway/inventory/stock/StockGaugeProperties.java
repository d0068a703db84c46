package io.spillway.inventory.stock;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.inventory.stock-gauges.*}.
 *
 * @param refresh how often the items table is read for the sold and remaining gauges: at most this stale
 *     on a dashboard, on top of the scrape interval
 */
@ConfigurationProperties("spillway.inventory.stock-gauges")
record StockGaugeProperties(@DefaultValue("5s") Duration refresh) {}
