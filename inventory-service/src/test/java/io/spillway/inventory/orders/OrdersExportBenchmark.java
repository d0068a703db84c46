package io.spillway.inventory.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.TestProperties;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The CSV export's benchmark (docs/benchmarks/admin.md), not part of the test suite: run it by name.
 * It writes 100,000 and then 1,000,000 orders of two sales, exports each over HTTP, checks row count
 * and checksum against PostgreSQL, and samples the JVM's heap (the service runs in this JVM): the
 * peak used heap, and the heap still live after a full collection forced at every tenth of the
 * export. Figures go to standard output; nothing about speed or memory is asserted.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spillway.inventory.admin-token=" + OrdersExportBenchmark.TOKEN,
            "spillway.inventory.catalog.enabled=false",
            "spillway.topics.create=false"
        })
class OrdersExportBenchmark {

    static final String TOKEN = "benchmark-admin-token-0123456789";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestProperties.database(registry, SharedInfrastructure.newDatabase());
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Run(long rows, double seconds, long peakUsed, long maxLiveAfterGc) {}

    @Test
    void exportsAHundredThousandAndAMillionOrdersInTheSameMemory() throws Exception {
        Run small = run("bench-100k", 100_000);
        Run large = run("bench-1m", 1_000_000);
        System.out.printf(Locale.ROOT, "%n| rows | seconds | rows/s | peak used heap MiB | live heap after GC MiB |%n|---|---|---|---|---|%n");
        for (Run run : new Run[] {small, large}) {
            System.out.printf(Locale.ROOT, "| %,d | %.1f | %,.0f | %.1f | %.1f |%n", run.rows(), run.seconds(), run.rows() / run.seconds(),
                    run.peakUsed() / 1048576.0, run.maxLiveAfterGc() / 1048576.0);
        }
        System.out.printf(Locale.ROOT, "ratios 1M/100k: rows %.1f, peak used heap %.2f, live heap after GC %.2f%n",
                (double) large.rows() / small.rows(), (double) large.peakUsed() / small.peakUsed(),
                (double) large.maxLiveAfterGc() / small.maxLiveAfterGc());
    }

    private Run run(String saleId, int count) throws Exception {
        HttpResponse<String> created = http.send(request("/api/v1/sales").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"saleId":"%s","name":"Benchmark","opensAt":"2026-12-24T09:00:00Z","perCustomerLimit":4,
                         "items":[{"sku":"GA","stock":1000000}]}""".formatted(saleId))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        OrderRowsSql.insert(jdbc, saleId, count);
        jdbc.execute("VACUUM ANALYZE orders");

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        AtomicLong peak = new AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20); // a sampling interval, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long liveAfterGc = 0;
        MessageDigest digest = MessageDigest.getInstance("MD5");
        long rows = 0;
        long started = System.nanoTime();
        HttpResponse<java.io.InputStream> response = http.send(request("/api/v1/sales/" + saleId + "/orders.csv").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            lines.readLine();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] fields = line.split(",", -1);
                digest.update((fields[0] + "," + fields[5] + "," + fields[8] + "\n").getBytes(StandardCharsets.UTF_8));
                if (++rows % (count / 10) == 0) {
                    memory.gc();
                    liveAfterGc = Math.max(liveAfterGc, memory.getHeapMemoryUsage().getUsed());
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        sampler.interrupt();
        String expected = jdbc.queryForObject("""
                SELECT md5(string_agg(order_id::text || ',' || status || ','
                           || to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || chr(10), '' ORDER BY decided_at, order_id))
                FROM orders WHERE sale_id = ?""", String.class, saleId);
        long inDatabase = jdbc.queryForObject("SELECT count(*) FROM orders WHERE sale_id = ?", Long.class, saleId);
        System.out.printf(Locale.ROOT, "%s: %,d rows exported, %,d in PostgreSQL, checksum %s (PostgreSQL %s)%n", saleId, rows,
                inDatabase, HexFormat.of().formatHex(digest.digest()), expected);
        assertThat(rows).isEqualTo(inDatabase);
        return new Run(rows, seconds, peak.get(), liveAfterGc);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + TOKEN);
    }
}
