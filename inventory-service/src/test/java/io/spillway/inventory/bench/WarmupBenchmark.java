package io.spillway.inventory.bench;

import io.spillway.testing.SharedInfrastructure;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.flywaydb.core.Flyway;

/**
 * Time to peak of inventory-service started cold (issue 21, "Fast from the first second";
 * inventory-service/bench/warmup.sh, docs/benchmarks/warmup-processor-inventory.md) on what buyers
 * ask it during a sale: {@code GET /api/v1/sales/{saleId}}, the sale's view with its availability,
 * which the buyers' page reads (notifier's page.js).
 *
 * <p>A broker and PostgreSQL of its own, one database with one sale of {@code bench.items} items;
 * per mode a <b>fresh service JVM</b> (a child process on its run-time class path,
 * {@code bench.service.opts}, the catalogue relay on as in production) whose readiness probe is
 * polled every 100 ms. The moment it says UP, {@code bench.connections} keep-alive connections read
 * the sale's view back to back (closed loop: saturation) for {@code bench.warm.at} +
 * {@code bench.warm.seconds} s; 200s are counted per second of the run. The warm reference is the
 * mean of seconds {@code bench.warm.at}..+{@code bench.warm.seconds} of the same process.
 *
 * <p>Limits: the load generator runs in this JVM, started before the service but cold for the
 * answers it reads (its own JIT warms up with the service's); it shares the two cores with the
 * service, the broker and PostgreSQL. A sale's view is cached by the service for one second, so
 * this measures the web path (Tomcat, security filters, controller, JSON), not PostgreSQL.
 */
public final class WarmupBenchmark {

    private static final int ITEMS = Integer.getInteger("bench.items", 20);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 64);
    private static final int WARM_AT = Integer.getInteger("bench.warm.at", 60);
    private static final int WARM_SECONDS = Integer.getInteger("bench.warm.seconds", 15);
    private static final int COLD_SECONDS = Integer.getInteger("bench.cold.seconds", 30);
    private static final List<String> MODES = List.of(System.getProperty("bench.modes", "off on").trim().split("\\s+"));
    private static final String SERVICE_OPTS = System.getProperty("bench.service.opts", "-Xms768m -Xmx768m -XX:+UseG1GC");
    private static final String SERVICE_CLASSPATH = System.getProperty("bench.service.classpath");
    private static final int PORT = Integer.getInteger("bench.port", 18282);
    private static final Path WORK = Path.of(System.getProperty("bench.work", System.getProperty("java.io.tmpdir")));
    private static final String SALE = "warmup-bench";

    private WarmupBenchmark() {}

    public static void main(String[] args) {
        try {
            run();
            System.exit(0);
        } catch (Throwable failure) {
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private record Figures(String mode, double load, double startup, double warm, double to80, double first15,
            double firstAnswer) {}

    private static void run() throws Exception {
        if (SERVICE_CLASSPATH == null) {
            throw new IllegalStateException("-Dbench.service.classpath is needed (warmup.sh sets it)");
        }
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        SharedInfrastructure.TestDatabase database = SharedInfrastructure.newDatabase();
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        sale(database);
        System.out.printf(Locale.ROOT, "sale %s with %d items; connections=%d modes=%s service=%s cores=%d%n", SALE,
                ITEMS, CONNECTIONS, MODES, SERVICE_OPTS, Runtime.getRuntime().availableProcessors());
        List<Figures> all = new ArrayList<>();
        for (String mode : MODES) {
            all.add(measure(bootstrap, database, mode));
        }
        System.out.println();
        System.out.println("== summary (load average now " + loadAverage() + ")");
        for (Figures f : all) {
            System.out.printf(Locale.ROOT, "RESULT mode=%s load=%.1f startup_s=%.1f warm_per_s=%.0f seconds_to_80pct=%.1f"
                            + " first15_share=%.0f%% first15_per_s=%.0f first_answer_s=%.2f%n",
                    f.mode(), f.load(), f.startup(), f.warm(), f.to80(), 100 * f.first15() / f.warm(), f.first15(),
                    f.firstAnswer());
        }
    }

    private static Figures measure(String bootstrap, SharedInfrastructure.TestDatabase database, String mode)
            throws Exception {
        double load = loadAverage();
        System.out.println();
        System.out.printf(Locale.ROOT, "== %s: load average %.2f%n", mode, load);
        long launched = System.currentTimeMillis();
        Process service = service(bootstrap, database, mode);
        try {
            long ready = awaitReady(service);
            Reads reads = new Reads(WARM_AT + WARM_SECONDS);
            reads.run(ready);
            return figures(mode, load, launched, ready, reads);
        } finally {
            service.destroy();
            if (!service.waitFor(60, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor();
            }
        }
    }

    private static Figures figures(String mode, double load, long launched, long ready, Reads reads) {
        double warm = 0;
        for (int s = WARM_AT; s < WARM_AT + WARM_SECONDS; s++) {
            warm += reads.ok.get(s);
        }
        warm /= WARM_SECONDS;
        System.out.printf(Locale.ROOT, "start-up (launch to readiness UP): %.1f s; first answer %.2f s after readiness;"
                + " answers other than 200: %d; failed reads: %d%n", (ready - launched) / 1000.0,
                reads.firstAnswer() / 1000.0, reads.others(), reads.errors());
        System.out.printf(Locale.ROOT, "%6s %9s %6s%n", "s", "200s", "warm");
        double to80 = -1;
        double first15 = 0;
        for (int s = 0; s < WARM_AT + WARM_SECONDS; s++) {
            long n = reads.ok.get(s);
            if (s < COLD_SECONDS) {
                System.out.printf(Locale.ROOT, "%6d %9d %5.0f%%%n", s + 1, n, 100.0 * n / warm);
            }
            if (to80 < 0 && n >= 0.8 * warm) {
                to80 = s + 1;
            }
            if (s < 15) {
                first15 += n;
            }
        }
        System.out.printf(Locale.ROOT, "warm reference: %.0f reads/s (seconds %d-%d of the same process)%n", warm,
                WARM_AT, WARM_AT + WARM_SECONDS);
        return new Figures(mode, load, (ready - launched) / 1000.0, warm, to80, first15 / 15,
                reads.firstAnswer() / 1000.0);
    }

    /**
     * Closed-loop reads of the sale's view over keep-alive connections, counted per second from the
     * moment readiness said UP (its seconds start there, not at the first answer).
     */
    private static final class Reads {

        private final int seconds;
        final AtomicLongArray ok;
        private final AtomicLongArray other;
        private final AtomicLongArray failed = new AtomicLongArray(1);
        private volatile long first = Long.MAX_VALUE;
        private long ready;

        Reads(int seconds) {
            this.seconds = seconds;
            this.ok = new AtomicLongArray(seconds);
            this.other = new AtomicLongArray(seconds);
        }

        void run(long readyAt) throws InterruptedException {
            this.ready = readyAt;
            long end = readyAt + seconds * 1000L;
            byte[] request = ("GET /api/v1/sales/" + SALE + " HTTP/1.1\r\nHost: 127.0.0.1:" + PORT
                    + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                threads.add(Thread.ofPlatform().daemon().name("reader-" + i).start(() -> read(request, end)));
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }

        private void read(byte[] request, long end) {
            while (System.currentTimeMillis() < end) {
                try (Socket socket = new Socket("127.0.0.1", PORT)) {
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(10_000);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                    long now;
                    while ((now = System.currentTimeMillis()) < end) {
                        out.write(request);
                        out.flush();
                        int status = response(in);
                        now = System.currentTimeMillis();
                        int second = (int) ((now - ready) / 1000);
                        if (second >= 0 && second < seconds) {
                            (status == 200 ? ok : other).incrementAndGet(second);
                        }
                        if (now < first) {
                            first = now;
                        }
                    }
                } catch (IOException e) {
                    failed.incrementAndGet(0);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
            }
        }

        /** Reads one answer (status line, headers, body by Content-Length or chunks); answers its status. */
        private static int response(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = 0;
            boolean chunked = false;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (chunked) {
                for (long chunk = Long.parseLong(line(in).trim(), 16); chunk > 0; chunk = Long.parseLong(line(in).trim(), 16)) {
                    in.skipNBytes(chunk);
                    line(in);
                }
                line(in);
            } else {
                in.skipNBytes(length);
            }
            return status;
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        long firstAnswer() {
            return first - ready;
        }

        long others() {
            long n = 0;
            for (int s = 0; s < seconds; s++) {
                n += other.get(s);
            }
            return n;
        }

        long errors() {
            return failed.get(0);
        }
    }

    /** The sale buyers read: open since a minute ago, stock in every item. */
    private static void sale(SharedInfrastructure.TestDatabase database) throws Exception {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(),
                database.password())) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO sales (sale_id, name, opens_at, per_customer_limit) VALUES (?, ?, ?, 4)")) {
                insert.setString(1, SALE);
                insert.setString(2, "Warm-up benchmark");
                insert.setTimestamp(3, Timestamp.from(Instant.now().minus(Duration.ofMinutes(1))));
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, ?, 'STOCK', 10000, 10000)")) {
                for (int i = 0; i < ITEMS; i++) {
                    insert.setString(1, SALE);
                    insert.setString(2, "ITEM-" + i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    /** A fresh service JVM, as a pod starts it, with the warm-up on or off. */
    private static Process service(String bootstrap, SharedInfrastructure.TestDatabase database, String mode)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(SERVICE_OPTS.trim().split("\\s+")));
        command.addAll(List.of("-cp", SERVICE_CLASSPATH, "io.spillway.inventory.InventoryApplication",
                "--server.port=" + PORT,
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--spring.datasource.url=" + database.jdbcUrl(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(),
                "--logging.level.root=WARN",
                "--logging.level.io.spillway.contract.spring.WarmupGate=INFO"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(WORK.resolve("inventory-" + mode + "-" + System.nanoTime() + ".log").toFile());
        // The service refuses to start without an admin credential; nothing here uses it.
        builder.environment().put("SPILLWAY_ADMIN_TOKEN", "warmup-benchmark-admin-token-0123456789");
        builder.environment().put("SPILLWAY_WARMUP_ENABLED", Boolean.toString(mode.equals("on")));
        return builder.start();
    }

    /** Polls the readiness probe every 100 ms; answers the moment it said UP. */
    private static long awaitReady(Process service) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("the service exited before readiness");
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return System.currentTimeMillis();
                }
            } catch (IOException notListening) {
                // not yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException("no readiness in 5 minutes");
    }

    private static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }
}
