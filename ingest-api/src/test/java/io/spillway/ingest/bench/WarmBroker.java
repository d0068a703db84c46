package io.spillway.ingest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * For the benchmark: brings a freshly started broker's produce path to the state of a broker that
 * has been running, by sending it many produce requests of one record each (acknowledged with
 * {@code acks=all}, as the door's are) to a topic of its own. {@code WarmBroker BOOTSTRAP [REQUESTS]}.
 *
 * <p>Why: the broker's JIT compiles its per-request code (request parsing, the append, the
 * purgatory, the response and its metrics) only after thousands of requests. The door's producer
 * batches, so the benchmark's own load sends only a few thousand requests in all, and without this
 * step a cold broker took 170 µs of CPU per order at 2,000 orders/s where a warm one takes 50 µs:
 * CPU taken from the service on the same two cores, and a cost a production broker does not have.
 */
public final class WarmBroker {

    private static final String TOPIC = "bench.broker-warmup";
    private static final int PRODUCERS = 4;

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 30_000;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 0);
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS)) {
            List<Future<?>> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                producers.add(pool.submit(() -> {
                    try (KafkaProducer<byte[], byte[]> producer =
                            new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
                        byte[] value = new byte[200];
                        // One at a time: each send waits for its acknowledgement, so each is a request of its own.
                        for (int i = 0; i < requests / PRODUCERS; i++) {
                            producer.send(new ProducerRecord<>(TOPIC, value)).get();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> producer : producers) {
                producer.get();
            }
        }
        System.out.printf("broker warmed with %d produce requests in %.1f s%n", requests, (System.nanoTime() - start) / 1e9);
    }
}
