package io.spillway.notifier.bench;

import io.spillway.contract.CustomerId;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The load of an opening, as one notifier instance sees it, for its time-to-peak benchmark
 * ({@code notifier/bench/warmup.sh}, docs/benchmarks/warmup-notifier.md). Two parts, each a command:
 *
 * <ul>
 *   <li>{@code feed BOOTSTRAP SUFFIX POOL RATE}: creates the order topics (names with the suffix),
 *       publishes {@code POOL} requests that stay queued (the orders the buyers follow), then, until
 *       killed, {@code RATE} new orders a second, each a request and its confirmation: the results
 *       that arrive from Kafka during a spike. Runs from before the notifier starts, as the traffic
 *       of a running installation does when a new instance joins it.
 *   <li>{@code open URL SECRET SUFFIX POOL CONNECTIONS SECONDS}: buyers opening their order's event
 *       stream, closed loop at saturation: each of {@code CONNECTIONS} clients connects, asks for the
 *       stream of a pool order with its valid token, reads the first event (the order's
 *       {@code queued} state, with its place), closes and starts again. Counts streams opened and
 *       answered per second (by the second the first event arrived) and failures; writes the
 *       timeline to {@code -Dtimeline=FILE} ("epoch-ms answered failed" per second) and the run's
 *       start to {@code -Dstarted=FILE}.
 * </ul>
 *
 * <p>Limits: closed loop (a slow second offers less, it does not queue arrivals: the figure is
 * throughput, not latency); each stream is a new TCP connection, as a buyer's EventSource is, so
 * the loopback's connection set-up is in the figure. The generator is itself a JVM started at the
 * moment it is needed, cold too.
 */
public final class OpeningLoad {

    private static final SaleId SALE = SaleId.of("bench");

    private OpeningLoad() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "feed" -> feed(args[1], Topics.DEFAULTS.withSuffix("." + args[2]), args[2], Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "open" -> open(args[1], new OrderTokens(args[2]), args[3], Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            default -> throw new IllegalArgumentException("feed or open, not " + args[0]);
        }
    }

    /** The pool's orders, the same in both commands: derived from the suffix and their number. */
    static OrderRequested poolOrder(String suffix, int i, Instant at) {
        CustomerId customer = CustomerId.of("buyer-" + i);
        return OrderRequested.of(OrderId.derive(customer, SALE, suffix + "-" + i), customer, SALE, Sku.of("GA"), 1,
                List.of(), at);
    }

    private static void feed(String bootstrap, Topics topics, String suffix, int pool, int rate) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                    new NewTopic(topics.requested(), topics.partitions(), topics.replicationFactor()),
                    new NewTopic(topics.results(), topics.partitions(), topics.replicationFactor()),
                    new NewTopic(topics.dlq(), 1, topics.replicationFactor()))).all().get(60, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, OrderEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 2), new StringSerializer(), EventSerde.events())) {
            for (int i = 0; i < pool; i++) {
                OrderRequested order = poolOrder(suffix, i, Instant.now());
                producer.send(new ProducerRecord<>(topics.requested(), order.itemKey().toString(), order));
            }
            producer.flush();
            System.out.println("pool published: " + pool + " queued orders on " + topics.requested());
            long start = System.nanoTime();
            for (long i = 0; ; i++) {
                for (long left; (left = start + (long) (i * 1e9 / rate) - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(left);
                }
                CustomerId customer = CustomerId.of("spike-" + (i % 100_000));
                Instant now = Instant.now();
                OrderRequested order = OrderRequested.of(OrderId.derive(customer, SALE, suffix + "-spike-" + i), customer,
                        SALE, Sku.of("GA"), 1, List.of(), now);
                producer.send(new ProducerRecord<>(topics.requested(), order.itemKey().toString(), order));
                producer.send(new ProducerRecord<>(topics.results(), null, now.toEpochMilli(), order.orderId().toString(),
                        OrderConfirmed.of(order, List.of(), now)));
            }
        }
    }

    private static void open(String url, OrderTokens tokens, String suffix, int pool, int connections, int seconds)
            throws Exception {
        java.net.URI base = java.net.URI.create(url);
        InetSocketAddress address = new InetSocketAddress(base.getHost(), base.getPort());
        List<byte[]> requests = new ArrayList<>(pool);
        for (int i = 0; i < pool; i++) {
            OrderId id = poolOrder(suffix, i, Instant.EPOCH).orderId();
            requests.add(("GET /api/v1/orders/" + id + "/events?token=" + tokens.tokenFor(id) + " HTTP/1.1\r\nHost: "
                    + base.getAuthority() + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        AtomicLongArray answered = new AtomicLongArray(seconds + 2);
        AtomicLongArray failed = new AtomicLongArray(seconds + 2);
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        if (System.getProperty("started") != null) {
            Files.writeString(Path.of(System.getProperty("started")), Long.toString(startMillis));
        }
        long end = startNanos + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int first = c * (pool / connections);
            clients.add(Thread.ofPlatform().name("buyer-" + c).start(() -> {
                byte[] buffer = new byte[4096];
                for (int i = first; System.nanoTime() < end; i++) {
                    boolean ok = openOnce(address, requests.get(i % pool), buffer);
                    int second = (int) Math.min(seconds + 1, (System.nanoTime() - startNanos) / 1_000_000_000L);
                    (ok ? answered : failed).incrementAndGet(second);
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        long total = 0;
        long failures = 0;
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            lines.add((startMillis + s * 1000L) + " " + answered.get(s) + " " + failed.get(s));
            total += answered.get(s);
            failures += failed.get(s);
        }
        if (System.getProperty("timeline") != null) {
            Files.write(Path.of(System.getProperty("timeline")), lines);
        }
        System.out.printf("streams opened and answered: %d in %d s (%.0f/s), %d failed, %d connections%n",
                total, seconds, total / (double) seconds, failures, connections);
    }

    /** One buyer: connect, ask for the stream, read up to the end of its first event, close. */
    private static boolean openOnce(InetSocketAddress address, byte[] request, byte[] buffer) {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(address, 10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder(512);
            for (int read; (read = in.read(buffer)) >= 0; ) {
                seen.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
                if (seen.length() >= 12 && seen.indexOf("HTTP/1.1 200") != 0) {
                    return false;
                }
                int event = seen.indexOf("event:");
                if (event >= 0 && seen.indexOf("\n\n", event) >= 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
