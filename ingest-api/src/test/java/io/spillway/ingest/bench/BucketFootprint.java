package io.spillway.ingest.bench;

import io.spillway.ingest.ratelimit.RateLimitProperties;
import io.spillway.ingest.ratelimit.RateLimitProperties.Limit;
import io.spillway.ingest.ratelimit.RateLimits;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;

/**
 * The heap the rate-limit buckets take at sale scale (docs/benchmarks/ingest.md), not a test:
 * {@code BucketFootprint [CUSTOMERS]} (1,000,000) gives that many distinct customers one order each,
 * from 1,000 addresses, with the default customer limit (20 per 10 s) and limits above that
 * otherwise, and prints the heap in use after a full collection before and after, and per customer.
 */
public final class BucketFootprint {

    public static void main(String[] args) {
        int customers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Limit plenty = new Limit(100_000_000, Duration.ofSeconds(1));
        RateLimits limits = new RateLimits(new RateLimitProperties(true, 1, null, plenty, plenty, Map.of(),
                customers * 2L));
        long before = settledHeap();
        for (int i = 0; i < customers; i++) {
            if (!limits.acquire("customer-" + i, "sale", "10.0." + (i % 1_000)).allowed()) {
                throw new IllegalStateException("refused customer " + i);
            }
        }
        long after = settledHeap();
        System.out.printf("customers=%d heap_before=%dMB heap_after=%dMB per_customer=%dB%n", customers,
                before >> 20, after >> 20, (after - before) / customers);
        // Keeps the buckets reachable until measured.
        System.out.println(limits.acquire("customer-0", "sale", "10.0.0").allowed() ? "" : "");
    }

    private static long settledHeap() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
