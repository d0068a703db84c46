package io.spillway.ingest.bench;

import io.spillway.contract.Topics;
import io.spillway.ingest.CatalogFixture;
import java.time.Instant;

/**
 * For the benchmark: creates the topics and publishes one open sale ({@code bench}, item
 * {@code GA}) as inventory-service would. {@code PublishSale BOOTSTRAP}.
 */
public final class PublishSale {

    public static void main(String[] args) throws Exception {
        Topics topics = Topics.DEFAULTS;
        CatalogFixture.createTopics(args[0], topics);
        CatalogFixture.publish(args[0], topics,
                CatalogFixture.sale("bench", Instant.now().minusSeconds(3600), 4, "GA", "VIP", "A-1"));
        System.out.println("published sale bench to " + topics.sales());
    }
}
