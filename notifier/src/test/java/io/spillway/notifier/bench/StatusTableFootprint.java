package io.spillway.notifier.bench;

import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.notifier.status.DecisionHops;
import io.spillway.notifier.status.OrderStatusTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the order-status table costs per order: the RocksDB files of the partitioned table and of
 * the global copy after {@code orders} orders (half queued, half decided), run through the real
 * topology and stores. Memory is not per order: RocksDB's caches and write buffers are bounded by
 * configuration, and the heap holds no order. Argument: {@code -Dorders=50000}; run with
 * {@code -Djava.io.tmpdir=/dev/shm}, since the test driver fsyncs a checkpoint after every record.
 *
 * <p>With {@code -DdecidedRetention=PT1H} (the bounded table; at least 10 s): a third of the orders stay queued, a
 * third were decided longer ago than the retention and a third recently; the wall clock is moved on
 * until the decided orders' round has run, and the stores are measured with the old decisions gone
 * (their tombstones included, as far as RocksDB has compacted them away).
 */
public final class StatusTableFootprint {

    public static void main(String[] args) throws Exception {
        int orders = Integer.getInteger("orders", 50_000);
        Duration retention = Duration.parse(System.getProperty("decidedRetention", "PT0S"));
        Path state = Files.createTempDirectory("footprint");
        StreamsBuilder builder = new StreamsBuilder();
        OrderStatusTopology.build(builder, Topics.DEFAULTS, "footprint-status", Duration.ZERO, retention,
                (status, timestamp) -> {}, status -> {}, DecisionHops.NONE);
        Instant now = Instant.now();
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "footprint");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), config)) {
            TestInputTopic<String, OrderRequested> requests =
                    driver.createInputTopic(Topics.DEFAULTS.requested(), new StringSerializer(), EventSerde.requests());
            TestInputTopic<String, OrderDecision> decisions =
                    driver.createInputTopic(Topics.DEFAULTS.results(), new StringSerializer(), EventSerde.decisions());
            for (int i = 0; i < orders; i++) {
                CustomerId customer = CustomerId.of("customer-" + i);
                OrderRequested order = OrderRequested.of(OrderId.derive(customer, SaleId.of("concert-2026-12-24"), UUID.randomUUID().toString()), customer,
                        SaleId.of("concert-2026-12-24"), Sku.of("GA"), 2, List.of(), Instant.now());
                requests.pipeInput(order.itemKey().toString(), order);
                if (retention.isZero() && i % 2 == 0) {
                    decisions.pipeInput(order.orderId().toString(), OrderConfirmed.of(order, List.of(), Instant.now()));
                } else if (!retention.isZero() && i % 3 != 0) {
                    Instant decidedAt = i % 3 == 1 ? now.minus(retention.multipliedBy(2)) : now;
                    decisions.pipeInput(order.orderId().toString(), OrderConfirmed.of(order, List.of(), decidedAt));
                }
            }
            long held = orders;
            if (!retention.isZero()) {
                // The decided orders' first round (a tenth of the retention) runs: the older third leaves both stores.
                driver.advanceWallClockTime(retention.dividedBy(10));
                KeyValueStore<String, Object> global = driver.getKeyValueStore(OrderStatusTopology.GLOBAL_STORE);
                held = 0;
                try (var rows = global.all()) {
                    for (; rows.hasNext(); rows.next()) {
                        held++;
                    }
                }
                System.out.printf("decided retention %s: %d of %d orders held after the round (%d expected)%n",
                        retention, held, orders, orders - (orders + 1) / 3);
            }
            // Flushes the memtables so that the files hold what the stores hold.
            driver.getAllStateStores().values().forEach(store -> store.flush());
            long[] local = size(state, OrderStatusTopology.STORE);
            long[] global = size(state, OrderStatusTopology.GLOBAL_STORE);
            System.out.printf("orders %d: partitioned table %.1f MiB of data (SST files) + %.1f MiB of RocksDB"
                            + " bookkeeping, global copy %.1f MiB of data + %.1f MiB of bookkeeping%n",
                    orders, local[0] / 1048576.0, local[1] / 1048576.0, global[0] / 1048576.0, global[1] / 1048576.0);
            System.out.printf("RESULT data per order held: global copy %.0f B (every instance), partitioned table %.0f B"
                            + " (split between instances) = %.0f MiB and %.0f MiB per million orders held%n",
                    (double) global[0] / held, (double) local[0] / held,
                    global[0] * 1_000_000.0 / held / 1048576.0, local[0] * 1_000_000.0 / held / 1048576.0);
        }
    }

    /**
     * The store's SST files (its data) and its other files. The test driver commits, and so flushes
     * RocksDB, after every record: tens of thousands of tiny SST files, each recorded in the MANIFEST,
     * which then dwarfs the data. A running notifier flushes when a write buffer fills, so only the
     * data is per order; the bookkeeping is printed but not counted.
     */
    private static long[] size(Path root, String store) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            long[] bytes = new long[2];
            files.filter(p -> p.toString().contains("/" + store + "/") || p.toString().contains("/" + store))
                    .filter(p -> !p.toString().contains(store + "-"))
                    .filter(Files::isRegularFile)
                    .forEach(p -> bytes[p.toString().endsWith(".sst") ? 0 : 1] += p.toFile().length());
            return bytes;
        }
    }
}
