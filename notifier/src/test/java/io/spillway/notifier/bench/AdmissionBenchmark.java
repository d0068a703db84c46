package io.spillway.notifier.bench;

import static org.awaitility.Awaitility.await;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryWaiting;
import io.spillway.contract.admission.RoomId;
import io.spillway.contract.admission.RoomProgress;
import io.spillway.testing.SharedInfrastructure;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The notifier's part of the admission benchmark (docs/benchmarks/admission.md): one notifier process
 * of its own (its heap is its own) against the test broker; the driver plays the admitter by
 * publishing the contract's admission events. It measures:
 * <ol>
 *   <li>heap per waiting stream: N entries waiting, heap after full collections with N {@code events}
 *       streams open against the same process with none;
 *   <li>delivery lag of {@code admitted}: every one of the N entries admitted at {@code admitRate}/s
 *       (with a {@code RoomProgress} every 100 ms, so the other streams get their {@code waiting}
 *       updates meanwhile), from the {@code EntryAdmitted} record's timestamp to the event read by the
 *       client;
 *   <li>the ETA's error as the notifier's own audit measures it
 *       ({@code spillway_notifier_admission_eta_error_ratio}) on a second room driven at a steady
 *       rate in wall-clock time: entries joining faster than they are admitted, a step every 200 ms.
 * </ol>
 * {@code BENCH=AdmissionBenchmark flock /work/bench.lock notifier/bench/run.sh [-Dentries=10000] [-DadmitRate=500]
 * [-DetaPerMinute=1200] [-DetaEntries=1500] [-Dport=18182]}
 */
public final class AdmissionBenchmark {

    private static final String SECRET = "bench-" + UUID.randomUUID();
    private static final OrderTokens TOKENS = new OrderTokens(SECRET);
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$", Pattern.MULTILINE);

    private final Topics topics = SharedInfrastructure.uniqueTopics();
    private final AdmissionTopics admission = AdmissionTopics.of(topics);
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> summary = new ArrayList<>();
    private KafkaProducer<String, byte[]> producer;
    private Process notifier;
    private int port;

    public static void main(String[] args) throws Exception {
        new AdmissionBenchmark().run(Integer.getInteger("entries", 10_000), Integer.getInteger("admitRate", 500),
                Integer.getInteger("etaPerMinute", 1_200), Integer.getInteger("etaEntries", 1_500));
        System.exit(0);
    }

    void run(int entries, int admitRate, int etaPerMinute, int etaEntries) throws Exception {
        String bootstrap = SharedInfrastructure.kafkaBootstrapServers();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.LINGER_MS_CONFIG, 2), new StringSerializer(),
                new ByteArraySerializer());
        port = Integer.getInteger("port", 18182);
        try {
            startNotifier(bootstrap);
            if (entries > 0) {
                streamsAndLag(entries, admitRate);
            }
            if (etaEntries > 0) {
                etaAtASteadyRate(etaPerMinute, etaEntries);
            }
            System.out.println();
            System.out.println("SUMMARY (machine load average at the end: " + Files.readString(Path.of("/proc/loadavg")).trim() + ")");
            summary.forEach(line -> System.out.println("  " + line));
        } finally {
            if (notifier != null) {
                notifier.destroy();
                notifier.waitFor(30, TimeUnit.SECONDS);
            }
            producer.close();
        }
    }

    private void startNotifier(String bootstrap) throws Exception {
        Path state = Files.createTempDirectory("bench-notifier");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + System.getProperty("notifierHeap", "1g"),
                "-cp", System.getProperty("notifierClasspath"),
                "io.spillway.notifier.NotifierApplication",
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--spillway.topics.requested=" + topics.requested(),
                "--spillway.topics.results=" + topics.results(),
                "--spillway.topics.dlq=" + topics.dlq(),
                "--spillway.order-token.secret=" + SECRET,
                "--spillway.notifier.application-id=bench-" + UUID.randomUUID(),
                "--spillway.notifier.state-dir=" + state,
                "--logging.level.root=WARN"));
        notifier = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of(System.getProperty("notifierLog", "target/bench-notifier.log")).toFile()).start();
        await("the notifier to start (see target/bench-notifier.log)")
                .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> http.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health/readiness")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    private void streamsAndLag(int entries, int admitRate) throws Exception {
        RoomId room = RoomId.of("bench-streams");
        Instant opened = Instant.now().minusSeconds(60);
        List<EntryId> waiting = new ArrayList<>();
        for (int i = 1; i <= entries; i++) {
            EntryId entry = EntryId.of(room, CustomerId.of("buyer-" + i));
            waiting.add(entry);
            publish(new EntryWaiting(1, entry, room, (long) i, false, opened, Instant.now()), null);
        }
        // Paused while the streams open (minutes): no ETA is promised, so none of these entries enters the ETA audit.
        publish(new RoomProgress(1, room, 0, entries, 0, 0, admitRate * 60, 0, false, Instant.now()), null);
        producer.flush();
        EntryId last = waiting.getLast();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/api/v1/entries/" + last + "?token=" + token(last)).contains("\"position\":" + entries));

        long[] base = memory();
        System.out.printf("baseline (0 streams, %d entries in the view): heap %.1f MiB%n", entries, base[0] / 1048576.0);
        Map<EntryId, Long> admittedAt = new ConcurrentHashMap<>();
        CountDownLatch open = new CountDownLatch(entries);
        List<Socket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
        for (EntryId entry : waiting) {
            Socket socket = new Socket("127.0.0.1", port);
            sockets.add(socket);
            Thread.ofVirtual().start(() -> read(socket, entry, open, admittedAt));
        }
        if (!open.await(180, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + (entries - open.getCount()) + " streams opened");
        }
        long[] withStreams = memory();
        double perStream = (withStreams[0] - base[0]) / (double) entries;
        System.out.printf("with %d waiting streams: heap %.1f MiB%n", entries, withStreams[0] / 1048576.0);
        report(String.format("heap per waiting stream: %.0f B = %.1f KiB (%d streams open on waiting entries: heap %.1f MiB"
                        + " against %.1f MiB in the same process with 0 streams, the same %d entries in the view)",
                perStream, perStream / 1024.0, entries, withStreams[0] / 1048576.0, base[0] / 1048576.0, entries));

        // Every entry admitted in line order at admitRate/s, with a room progress every 100 ms.
        Map<EntryId, Long> producedAt = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long nextProgress = start;
        for (int i = 0; i < entries; i++) {
            long due = start + (long) (i * 1e9 / admitRate);
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            EntryId entry = waiting.get(i);
            long now = System.currentTimeMillis();
            Instant at = Instant.ofEpochMilli(now);
            producedAt.put(entry, now);
            publish(new EntryAdmitted(1, entry, room, CustomerId.of("buyer-" + (i + 1)), i + 1, UUID.randomUUID(),
                    "e".repeat(330), at.plusSeconds(900), URI.create("https://shop.example/checkout"), at), now);
            if (System.nanoTime() >= nextProgress) {
                nextProgress = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
                publish(new RoomProgress(1, room, i + 1, entries, 0, 0, admitRate * 60, 0, true, at), now);
            }
        }
        producer.flush();
        double achieved = entries / ((System.nanoTime() - start) / 1e9);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> admittedAt.size() >= entries);
        } catch (org.awaitility.core.ConditionTimeoutException partly) {
            // Report what arrived.
        }
        long[] lags = waiting.stream().filter(admittedAt::containsKey)
                .mapToLong(e -> admittedAt.get(e) - producedAt.get(e)).sorted().toArray();
        report(String.format("delivery lag of admitted (EntryAdmitted record timestamp -> event read by the SSE client):"
                        + " p50 %d ms, p99 %d ms, max %d ms (%d of %d delivered, %.0f admissions/s, %d streams open at the start)",
                percentile(lags, 0.5), percentile(lags, 0.99), lags.length == 0 ? -1 : lags[lags.length - 1], lags.length,
                entries, achieved, entries));
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** A room driven as the admitter drives it, in wall-clock time; the notifier's ETA audit says how far off it was. */
    private void etaAtASteadyRate(int perMinute, int entries) throws Exception {
        RoomId room = RoomId.of("bench-eta");
        double perSecond = perMinute / 60.0;
        double joinsPerSecond = perSecond * 1.5;
        Instant opened = Instant.now().minusSeconds(60);
        long start = System.nanoTime();
        long joined = 0;
        long admitted = 0;
        double credit = 0;
        long lastStep = start;
        while (admitted < entries) {
            long now = System.nanoTime();
            while (joined < entries && joined < (now - start) / 1e9 * joinsPerSecond) {
                joined++;
                EntryId entry = EntryId.of(room, CustomerId.of("eta-" + joined));
                publish(new EntryWaiting(1, entry, room, joined, false, opened, Instant.now()), null);
            }
            if (now - lastStep >= TimeUnit.MILLISECONDS.toNanos(200)) {
                credit = Math.min(credit + perSecond * (now - lastStep) / 1e9, Math.max(1, perSecond));
                lastStep = now;
                long n = Math.min((long) credit, joined - admitted);
                Instant at = Instant.now();
                for (long i = 0; i < n; i++) {
                    admitted++;
                    EntryId entry = EntryId.of(room, CustomerId.of("eta-" + admitted));
                    publish(new EntryAdmitted(1, entry, room, CustomerId.of("eta-" + admitted), admitted, UUID.randomUUID(),
                            "t", at.plusSeconds(900), URI.create("https://shop.example/"), at), null);
                }
                credit -= n;
                publish(new RoomProgress(1, room, admitted, joined, 0, 0, perMinute, 0, true, at), null);
            }
            Thread.sleep(5);
        }
        producer.flush();
        String count = "spillway_notifier_admission_eta_error_ratio_count";
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    // Read at once: the published percentiles decay within a minute of the last record. Done when
                    // no promised ETA awaits its admission (the entries that joined before the room's first
                    // progress had no ETA to audit).
                    .until(() -> metricValue(count, "") >= entries * 0.9
                            && metricValue("spillway_notifier_admission_eta_audited", "") == 0);
        } catch (org.awaitility.core.ConditionTimeoutException partly) {
            System.out.println("not every admission was audited within 60 s: " + metric("spillway_notifier_admission"));
        }
        report(String.format("ETA error at a steady rate (%d/min, %d entries joining at %.0f/s), the notifier's audit:"
                        + " median |error| %.2f %%, p90 %.2f %%, p99 %.2f %% over %.0f entries; target median <= 5 %%",
                perMinute, entries, joinsPerSecond,
                metricValue("spillway_notifier_admission_eta_error_ratio", "quantile=\"0.5\"") * 100,
                metricValue("spillway_notifier_admission_eta_error_ratio", "quantile=\"0.9\"") * 100,
                metricValue("spillway_notifier_admission_eta_error_ratio", "quantile=\"0.99\"") * 100,
                metricValue(count, "")));
    }

    private void report(String line) {
        System.out.println("RESULT " + line);
        summary.add(line);
    }

    private String metric(String prefix) throws Exception {
        return String.join("\n  ", get("/actuator/prometheus").lines().filter(line -> line.startsWith(prefix)).toList());
    }

    private void publish(AdmissionEvent event, Long timestamp) {
        producer.send(new ProducerRecord<>(admission.admissions(), null, timestamp, event.key(), AdmissionJson.writeEvent(event)));
    }

    private void read(Socket socket, EntryId entry, CountDownLatch open, Map<EntryId, Long> admittedAt) {
        try {
            String request = "GET /api/v1/entries/" + entry + "/events?token=" + token(entry)
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            StringBuilder seen = new StringBuilder();
            boolean counted = false;
            for (int read; (read = in.read(buffer)) >= 0; ) {
                seen.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
                if (!counted && seen.indexOf("event:waiting") >= 0) {
                    counted = true;
                    open.countDown();
                }
                if (seen.indexOf("event:admitted") >= 0) {
                    admittedAt.put(entry, System.currentTimeMillis());
                    return;
                }
                if (seen.length() > 4096) {
                    seen.delete(0, seen.length() - 64);
                }
            }
        } catch (IOException closed) {
            // Closed at the end.
        }
    }

    private long[] memory() throws Exception {
        long pid = notifier.pid();
        for (int i = 0; i < 2; i++) {
            new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
        long heap = 0;
        Matcher matcher = HEAP.matcher(get("/actuator/prometheus"));
        while (matcher.find()) {
            heap += (long) Double.parseDouble(matcher.group(1));
        }
        return new long[] {heap};
    }

    private double metricValue(String name, String label) throws Exception {
        return get("/actuator/prometheus").lines()
                .filter(line -> (line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(Double.NaN);
    }

    private static String token(EntryId entry) {
        return TOKENS.tokenFor(new OrderId(entry.value()));
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? -1 : sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
    }
}
