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
import io.spillway.notifier.status.OrderStatusTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * What the order-status table costs per order: the RocksDB files of the partitioned table and of
 * the global copy after {@code orders} orders (half queued, half decided), run through the real
 * topology and stores. Memory is not per order: RocksDB's caches and write buffers are bounded by
 * configuration, and the heap holds no order. Argument: {@code -Dorders=50000}; run with
 * {@code -Djava.io.tmpdir=/dev/shm}, since the test driver fsyncs a checkpoint after every record.
 */
public final class StatusTableFootprint {

    public static void main(String[] args) throws Exception {
        int orders = Integer.getInteger("orders", 50_000);
        Path state = Files.createTempDirectory("footprint");
        StreamsBuilder builder = new StreamsBuilder();
        OrderStatusTopology.build(builder, Topics.DEFAULTS, "footprint-status", (status, timestamp) -> {}, status -> {});
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
                if (i % 2 == 0) {
                    decisions.pipeInput(order.orderId().toString(), OrderConfirmed.of(order, List.of(), Instant.now()));
                }
            }
            // Flushes the memtables so that the files hold what the stores hold.
            driver.getAllStateStores().values().forEach(store -> store.flush());
            long[] local = size(state, OrderStatusTopology.STORE);
            long[] global = size(state, OrderStatusTopology.GLOBAL_STORE);
            System.out.printf("orders %d: partitioned table %.1f MiB of data (SST files) + %.1f MiB of RocksDB"
                            + " bookkeeping, global copy %.1f MiB of data + %.1f MiB of bookkeeping%n",
                    orders, local[0] / 1048576.0, local[1] / 1048576.0, global[0] / 1048576.0, global[1] / 1048576.0);
            System.out.printf("RESULT data per order: global copy %.0f B (every instance), partitioned table %.0f B"
                            + " (split between instances) = %.0f MiB and %.0f MiB per million orders%n",
                    (double) global[0] / orders, (double) local[0] / orders,
                    global[0] * 1_000_000.0 / orders / 1048576.0, local[0] * 1_000_000.0 / orders / 1048576.0);
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
