package io.spillway.rehearsal;

import java.awt.Color;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@code ./spillway rehearse}: a sale day on the local stack, then the same arrivals against the
 * synchronous checkout it replaces (docs/benchmarks/rehearsal.md). Every buyer's click is scheduled
 * before the run and every latency is measured from that scheduled time, so a generator that falls
 * behind shows up as latency instead of hiding it (coordinated omission).
 *
 * <p>Limits: the generator shares the machine's cores with the stack it measures; one address, so
 * the door's per-address limit applies unless the stack was started with it lifted.
 */
public final class Rehearsal {

    private final Map<String, String> args;
    private final int buyers;
    private final int stock;
    private final int seats;
    private final int holdSeconds;
    private final long seed;
    private final ArrivalSchedule schedule;
    private final List<Long> arrivals;
    private final List<String> spillwayBodies = new ArrayList<>();
    private final List<String> baselineBodies = new ArrayList<>();
    private final List<HttpClient> clients = new ArrayList<>();
    private final StringBuilder report = new StringBuilder();

    private Rehearsal(Map<String, String> args) {
        this.args = args;
        buyers = intArg("buyers", 4000);
        stock = intArg("stock", 1500);
        seats = intArg("seats", 60);
        holdSeconds = intArg("hold-seconds", 10);
        seed = intArg("seed", 42);
        schedule = new ArrivalSchedule(doubleArg("ramp", 10), doubleArg("spike", 3), doubleArg("tail", 12),
                doubleArg("ramp-share", 0.15), doubleArg("spike-share", 0.6));
        arrivals = schedule.arrivalsMillis(buyers, seed);
        for (int i = 0; i < 8; i++) {
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(30)).build());
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", argv));
            }
            args.put(argv[i].substring(2), argv[i + 1]);
        }
        System.exit(new Rehearsal(args).run() ? 0 : 1);
    }

    private int intArg(String name, int fallback) {
        return args.containsKey(name) ? Integer.parseInt(args.get(name)) : fallback;
    }

    private double doubleArg(String name, double fallback) {
        return args.containsKey(name) ? Double.parseDouble(args.get(name)) : fallback;
    }

    private boolean run() throws Exception {
        Random random = new Random(seed);
        for (int i = 0; i < buyers; i++) {
            if (i % 10 == 9 && seats >= 2) {
                int first = 1 + random.nextInt(seats - 1);
                String seatIds = "[\"A-" + first + "\",\"A-" + (first + 1) + "\"]";
                spillwayBodies.add("{\"saleId\":\"%s\",\"sku\":\"VIP\",\"seatIds\":" + seatIds + "}");
                baselineBodies.add("{\"sku\":\"VIP\",\"quantity\":2,\"seatIds\":" + seatIds + "}");
            } else {
                int quantity = 1 + random.nextInt(2);
                spillwayBodies.add("{\"saleId\":\"%s\",\"sku\":\"GA\",\"quantity\":" + quantity + "}");
                baselineBodies.add("{\"sku\":\"GA\",\"quantity\":" + quantity + "}");
            }
        }
        say("rehearsal: %d buyers (%.0f %% in a %.0f s ramp before the opening, %.0f %% in a %.0f s spike, the rest in a"
                + " %.0f s tail), GA %d in stock, VIP %d seats, held %d s; load average %s", buyers,
                schedule.rampShare() * 100, schedule.rampSeconds(), schedule.spikeShare() * 100, schedule.spikeSeconds(),
                schedule.tailSeconds(), stock, seats, holdSeconds, loadAverage());
        int warmup = Math.min(buyers, intArg("warmup-buyers", 0));
        List<Long> warmupArrivals = new ArrivalSchedule(2, 3, 0, 0.2, 0.8).arrivalsMillis(warmup, seed + 1);
        if (warmup > 0) {
            say("spillway: warming up with %d buyers (a sale of its own, not counted)", warmup);
            runSpillway(warmupArrivals, 2, 1, "rehearsal-warmup-");
        }
        Result spillway = runSpillway(arrivals, schedule.rampSeconds(), holdSeconds, "rehearsal-");
        Result baseline = "false".equals(args.get("baseline")) ? null : runBaseline(warmupArrivals);
        writeReport(spillway, baseline);
        return spillway.oversold == 0 && spillway.lost == 0 && spillway.errors.isEmpty();
    }

    // --- Spillway ----------------------------------------------------------------------------------

    private Result runSpillway(List<Long> arrivals, double rampSeconds, int holdSeconds, String prefix) throws Exception {
        String ingest = args.get("ingest");
        String notifier = args.get("notifier");
        String inventory = args.get("inventory");
        String paymentToken = Files.readString(Path.of(args.get("payment-token-file"))).strip();
        String saleId = prefix + Instant.now().getEpochSecond();
        long setupMillis = 10_000;
        Clock clock = Clock.startingIn(setupMillis);
        Instant opensAt = Instant.ofEpochMilli(clock.originEpochMillis() + Math.round(rampSeconds * 1000));
        List<Map<String, Object>> items = new ArrayList<>();
        items.add(Map.of("sku", "GA", "stock", stock));
        if (seats > 0) {
            List<String> seatIds = new ArrayList<>();
            for (int i = 1; i <= seats; i++) {
                seatIds.add("A-" + i);
            }
            items.add(Map.of("sku", "VIP", "seats", seatIds));
        }
        Map<String, Object> sale = new LinkedHashMap<>();
        sale.put("saleId", saleId);
        sale.put("name", "Sale-day rehearsal");
        sale.put("opensAt", opensAt.toString());
        sale.put("prequeueOpensAt", Instant.now().toString());
        sale.put("openingOrder", "SHUFFLED");
        sale.put("perCustomerLimit", 4);
        sale.put("holdSeconds", holdSeconds);
        sale.put("items", items);
        HttpResponse<String> created = clients.get(0).send(HttpRequest.newBuilder(URI.create(inventory + "/api/v1/sales"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + args.get("admin-token"))
                .POST(HttpRequest.BodyPublishers.ofString(SpillwayBuyer.JSON.writeValueAsString(sale))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating the sale answered " + created.statusCode() + ": " + created.body());
        }
        awaitTheDoorKnows(ingest, saleId);
        say("spillway: sale %s opens at %s with a shuffled pre-queue; arrivals start in %d ms", saleId, opensAt,
                -clock.now());

        ProcessCpu cpu = new ProcessCpu();
        pids().forEach(cpu::watch);
        Duration giveUp = Duration.ofSeconds((long) schedule.durationSeconds() + holdSeconds + 90);
        List<Buyer> result;
        List<NotifierSampler.Sample> samples;
        double heapBefore;
        try (NotifierSampler sampler = new NotifierSampler(notifier, clock)) {
            heapBefore = sampler.sample().heapBytes();
            clock.sleepUntil(-500);
            Map<String, Long> before = cpu.read();
            result = dispatch(arrivals, clock, (buyer, client) -> new SpillwayBuyer(client, ingest, notifier, paymentToken, clock,
                    giveUp).run(buyer, spillwayBodies.get(buyer.index).formatted(saleId)));
            Map<String, Long> after = cpu.read();
            samples = sampler.samples();
            Result r = new Result("Spillway", result, clock.now(), cpuSeconds(before, after));
            r.samples = samples;
            r.heapBefore = heapBefore;
            checkSpillway(r, saleId);
            return r;
        }
    }

    private void awaitTheDoorKnows(String ingest, String saleId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String probe = "{\"saleId\":\"" + saleId + "\",\"sku\":\"GA\",\"quantity\":100}";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = clients.get(0).send(HttpRequest.newBuilder(URI.create(ingest + "/api/v1/orders"))
                    .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                    .header("X-Customer-Id", "rehearsal-probe").POST(HttpRequest.BodyPublishers.ofString(probe)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (!response.body().contains("unknown-sale") && response.statusCode() != 429 && response.statusCode() != 503) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("ingest-api did not learn of sale " + saleId + " within 60 s");
    }

    /** Oversold and lost, from PostgreSQL: the processor's own records, not the buyers' view. */
    private void checkSpillway(Result r, String saleId) throws Exception {
        try (Connection db = DriverManager.getConnection(args.get("db") + "spillway", "postgres", "")) {
            try (PreparedStatement q = db.prepareStatement("""
                    SELECT i.sku, i.total, COALESCE(SUM(o.quantity) FILTER (WHERE o.status IN ('CONFIRMED', 'PAID')), 0)
                    FROM items i LEFT JOIN orders o ON o.sale_id = i.sale_id AND o.sku = i.sku
                    WHERE i.sale_id = ? GROUP BY i.sku, i.total""")) {
                q.setString(1, saleId);
                try (ResultSet rows = q.executeQuery()) {
                    while (rows.next()) {
                        r.oversold += Math.max(0, rows.getLong(3) - rows.getLong(2));
                        r.sold.put(rows.getString(1), rows.getLong(3) + " of " + rows.getLong(2));
                    }
                }
            }
            try (PreparedStatement q = db.prepareStatement("""
                    SELECT COUNT(*) FROM (SELECT seat FROM orders, unnest(seats) AS seat
                    WHERE sale_id = ? AND status IN ('CONFIRMED', 'PAID') GROUP BY seat HAVING COUNT(*) > 1) twice""")) {
                q.setString(1, saleId);
                try (ResultSet rows = q.executeQuery()) {
                    rows.next();
                    r.oversold += rows.getLong(1);
                }
            }
            List<String> accepted = r.buyers.stream().filter(b -> b.orderId != null).map(b -> b.orderId).toList();
            try (PreparedStatement q = db.prepareStatement("""
                    SELECT status, COUNT(*) FROM orders WHERE order_id = ANY (?) GROUP BY status""")) {
                Array ids = db.createArrayOf("uuid", accepted.stream().map(UUID::fromString).toArray());
                q.setArray(1, ids);
                long ended = 0;
                try (ResultSet rows = q.executeQuery()) {
                    while (rows.next()) {
                        r.endsInDatabase.put(rows.getString(1), rows.getLong(2));
                        if (!"CONFIRMED".equals(rows.getString(1))) {
                            ended += rows.getLong(2);
                        }
                    }
                }
                // with a hold every accepted order must end REJECTED, PAID, EXPIRED or CANCELLED
                r.lost = accepted.size() - ended;
            }
        }
    }

    // --- the synchronous baseline ------------------------------------------------------------------

    private Result runBaseline(List<Long> warmupArrivals) throws Exception {
        int port = intArg("baseline-port", 8090);
        String database = "spillway_rehearsal_baseline";
        try (Connection db = DriverManager.getConnection(args.get("db") + "postgres", "postgres", "")) {
            try (ResultSet rows = db.createStatement().executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (!rows.next()) {
                    db.createStatement().execute("CREATE DATABASE " + database);
                }
            }
        }
        Path log = Path.of(args.getOrDefault("baseline-log", "baseline.log"));
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                "io.spillway.rehearsal.baseline.SyncCheckoutApplication",
                "--server.port=" + port,
                "--spring.datasource.url=" + args.get("db") + database,
                "--spring.datasource.username=postgres",
                "--spring.jpa.hibernate.ddl-auto=create",
                "--spring.jpa.open-in-view=false",
                "--logging.level.root=WARN")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String base = "http://127.0.0.1:" + port;
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (true) {
                try {
                    if (clients.get(0).send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the synchronous checkout did not start (log: " + log + ")");
                }
                Thread.sleep(500);
            }
            if (!warmupArrivals.isEmpty()) {
                say("baseline: warming up with %d buyers (not counted)", warmupArrivals.size());
                runBaselinePhase(base, process.pid(), warmupArrivals, 2);
            }
            Result r = runBaselinePhase(base, process.pid(), arrivals, schedule.rampSeconds());
            try (Connection db = DriverManager.getConnection(args.get("db") + database, "postgres", "");
                    ResultSet rows = db.createStatement().executeQuery("""
                            SELECT (SELECT COALESCE(SUM(quantity), 0) FROM purchase WHERE status = 'CONFIRMED' AND sku = 'GA'),
                                   (SELECT COUNT(*) FROM (SELECT seat FROM purchase, unnest(string_to_array(seats, ',')) AS seat
                                      WHERE status = 'CONFIRMED' AND seats <> '' GROUP BY seat HAVING COUNT(*) > 1) twice),
                                   (SELECT COUNT(*) FROM seat WHERE owner_order IS NOT NULL)""")) {
                rows.next();
                r.oversold = Math.max(0, rows.getLong(1) - stock) + rows.getLong(2);
                r.sold.put("GA", rows.getLong(1) + " of " + stock);
                r.sold.put("VIP", rows.getLong(3) + " of " + seats);
            }
            return r;
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    private Result runBaselinePhase(String base, long pid, List<Long> arrivals, double rampSeconds) throws Exception {
        Clock clock = Clock.startingIn(3000);
        long opensAt = clock.originEpochMillis() + Math.round(rampSeconds * 1000);
        HttpResponse<String> setUp = clients.get(0).send(HttpRequest.newBuilder(URI.create(base + "/setup"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"opensAtEpochMillis\":" + opensAt + ",\"stock\":" + stock + ",\"seats\":" + seats + "}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (setUp.statusCode() != 204) {
            throw new IllegalStateException("setting up the synchronous checkout answered " + setUp.statusCode());
        }
        say("baseline: the synchronous checkout (pid %d) opens at %s", pid, Instant.ofEpochMilli(opensAt));
        ProcessCpu cpu = new ProcessCpu();
        cpu.watch("sync-checkout", pid);
        Long postgres = pids().get("postgres");
        if (postgres != null) {
            cpu.watch("postgres", postgres);
        }
        Duration giveUp = Duration.ofSeconds((long) schedule.durationSeconds() + 90);
        clock.sleepUntil(-500);
        Map<String, Long> before = cpu.read();
        List<Buyer> result = dispatch(arrivals, clock, (buyer, client) -> new BaselineBuyer(client, base, clock, giveUp)
                .run(buyer, baselineBodies.get(buyer.index)));
        return new Result("synchronous checkout", result, clock.now(), cpuSeconds(before, cpu.read()));
    }

    // --- the generator -----------------------------------------------------------------------------

    @FunctionalInterface
    interface BuyerRun {
        void run(Buyer buyer, HttpClient client);
    }

    /**
     * Starts each buyer's virtual thread at its scheduled time and waits for all of them. The
     * buyer's clock starts at the schedule, not at the thread's start: a late start is latency.
     */
    private List<Buyer> dispatch(List<Long> arrivals, Clock clock, BuyerRun run) throws InterruptedException {
        List<Buyer> all = new ArrayList<>(arrivals.size());
        List<Thread> threads = new ArrayList<>(arrivals.size());
        for (int i = 0; i < arrivals.size(); i++) {
            Buyer buyer = new Buyer(i, arrivals.get(i));
            all.add(buyer);
            clock.sleepUntil(buyer.scheduledAt);
            HttpClient client = clients.get(i % clients.size());
            threads.add(Thread.ofVirtual().start(() -> run.run(buyer, client)));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return all;
    }

    private Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String pair : args.getOrDefault("pids", "").split(",")) {
            String[] nameAndPid = pair.split("=");
            if (nameAndPid.length == 2 && !nameAndPid[1].isBlank()) {
                pids.put(nameAndPid[0], Long.parseLong(nameAndPid[1].trim()));
            }
        }
        return pids;
    }

    private static Map<String, Double> cpuSeconds(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        after.forEach((name, ticks) -> seconds.put(name,
                Figures.cpuSeconds(before.getOrDefault(name, ticks), ticks, ProcessCpu.TICKS_PER_SECOND)));
        return seconds;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }

    // --- figures -----------------------------------------------------------------------------------

    /** One design's run, reduced to the figures. */
    static final class Result {
        final String name;
        final List<Buyer> buyers;
        final long durationMillis;
        final Map<String, Double> cpu;
        final Map<String, String> sold = new TreeMap<>();
        final Map<String, Long> endsInDatabase = new TreeMap<>();
        long oversold;
        long lost;
        List<NotifierSampler.Sample> samples = List.of();
        double heapBefore;
        final Map<String, Integer> errors = new TreeMap<>();

        Result(String name, List<Buyer> buyers, long durationMillis, Map<String, Double> cpu) {
            this.name = name;
            this.buyers = buyers;
            this.durationMillis = durationMillis;
            this.cpu = cpu;
            buyers.stream().filter(b -> b.error != null).forEach(b -> errors.merge(b.error, 1, Integer::sum));
        }

        int seconds() {
            return (int) (durationMillis / 1000) + 1;
        }

        List<Long> timesToResult() {
            return buyers.stream().filter(b -> b.decidedAt >= 0).map(Buyer::timeToResult).toList();
        }

        int[] perSecond(java.util.function.ToLongFunction<Buyer> time) {
            return Figures.perSecond(buyers.stream().mapToLong(time).filter(t -> t >= 0).boxed().toList(), seconds());
        }

        int[] undecided() {
            return Figures.openAtEachSecond(buyers.stream().filter(b -> b.acceptedAt >= 0)
                    .map(b -> new long[] {b.acceptedAt, b.decidedAt}).toList(), seconds());
        }

        int[] openStreams() {
            return Figures.openAtEachSecond(buyers.stream().filter(b -> b.streamOpenedAt >= 0)
                    .map(b -> new long[] {b.streamOpenedAt, b.streamClosedAt}).toList(), seconds());
        }
    }

    private void writeReport(Result spillway, Result baseline) throws Exception {
        Path out = Path.of(args.getOrDefault("out", "."));
        Files.createDirectories(out);
        int opening = (int) schedule.openingSeconds();
        int spikeEnd = (int) Math.ceil(schedule.openingSeconds() + schedule.spikeSeconds());
        List<Result> results = baseline == null ? List.of(spillway) : List.of(spillway, baseline);
        line("");
        line("| figure | " + String.join(" | ", results.stream().map(r -> r.name).toList()) + " |");
        line("|---|" + "---|".repeat(results.size()));
        row(results, "buyers (arrivals)", r -> Integer.toString(r.buyers.size()));
        row(results, "accepted (202 / answered)", r -> Long.toString(r.buyers.stream().filter(b -> b.acceptedAt >= 0).count()));
        row(results, "accepted/s at the door, peak (spike window)", r -> Integer.toString(
                Figures.peak(r.perSecond(b -> b.acceptedAt), opening, spikeEnd + 1)));
        row(results, "decided/s, peak (spike window)", r -> Integer.toString(
                Figures.peak(r.perSecond(b -> b.decidedAt), opening, spikeEnd + 1)));
        row(results, "decided/s draining the spike (arrivals up to the spike's end, opening to the last decision)",
                r -> "%.0f".formatted(Figures.drainRate(r.buyers.stream().filter(b -> b.scheduledAt < spikeEnd * 1000L
                        && b.decidedAt >= 0).map(b -> b.decidedAt).toList(), opening * 1000L)));
        row(results, "decided/s, peak (whole run)", r -> Integer.toString(
                Figures.peak(r.perSecond(b -> b.decidedAt), 0, r.seconds())));
        row(results, "click to result p50 / p99 / max (s)", r -> "%.2f / %.2f / %.2f".formatted(
                Figures.percentile(r.timesToResult(), 50) / 1000, Figures.percentile(r.timesToResult(), 99) / 1000,
                Figures.max(r.timesToResult()) / 1000));
        row(results, "outcomes seen by buyers", r -> outcomes(r));
        row(results, "retries (429/503/409 not open)", r -> Integer.toString(r.buyers.stream().mapToInt(b -> b.retries).sum()));
        row(results, "answers at the door by status", r -> statuses(r));
        row(results, "errors seen by buyers (not the contract's)", r -> r.errors.isEmpty() ? "0" : r.errors.toString());
        row(results, "sold (from PostgreSQL)", r -> r.sold.toString());
        row(results, "oversold (from PostgreSQL)", r -> Long.toString(r.oversold));
        row(results, "CPU seconds per process", r -> cpuText(r));
        line("");
        List<Buyer> withPositions = spillway.buyers.stream().filter(b -> b.positions.size() >= 2).toList();
        long wentUp = withPositions.stream().filter(b -> Figures.wentUp(b.positions)).count();
        List<Double> etaErrors = spillway.buyers.stream().filter(b -> b.estimatedDecisionAt >= 0 && b.decidedAt >= 0)
                .map(b -> Math.abs(b.decidedAt - b.estimatedDecisionAt) / 1000.0).toList();
        List<Long> lags = spillway.buyers.stream().flatMap(b -> b.deliveryLagsMillis.stream()).toList();
        NotifierSampler.Sample peak = spillway.samples.stream()
                .max(java.util.Comparator.comparingDouble(NotifierSampler.Sample::streams)).orElse(null);
        line("Spillway only:");
        line("");
        line("| figure | value |");
        line("|---|---|");
        line("| lost (accepted, not ended in PostgreSQL) | %d |".formatted(spillway.lost));
        line("| ends in PostgreSQL | %s |".formatted(spillway.endsInDatabase));
        line("| ends seen on the streams | %s |".formatted(ends(spillway)));
        line("| position went up (buyers with ≥ 2 positions) | %d of %d |".formatted(wentUp, withPositions.size()));
        line("| ETA error, absolute, p50 / p90 (s; first estimate vs decision) | %.1f / %.1f (%d estimates) |".formatted(
                Figures.percentile(etaErrors, 50), Figures.percentile(etaErrors, 90), etaErrors.size()));
        line("| stream delivery lag p50 / p99 / max (ms; event's updatedAt to receipt) | %.0f / %.0f / %.0f (%d events) |"
                .formatted(Figures.percentile(lags, 50), Figures.percentile(lags, 99), Figures.max(lags), lags.size()));
        Map<String, List<Long>> lagsByEvent = new TreeMap<>();
        spillway.buyers.forEach(b -> {
            for (int i = 0; i < b.deliveryLagsMillis.size(); i++) {
                lagsByEvent.computeIfAbsent(b.lagEvents.get(i), e -> new ArrayList<>()).add(b.deliveryLagsMillis.get(i));
            }
        });
        lagsByEvent.forEach((event, eventLags) -> line("| … `%s` p50 / p99 (ms) | %.0f / %.0f (%d) |".formatted(event,
                Figures.percentile(eventLags, 50), Figures.percentile(eventLags, 99), eventLags.size())));
        line("| open streams, peak (buyers' count / notifier's metric) | %d / %s |".formatted(
                Figures.peak(spillway.openStreams(), 0, spillway.seconds()),
                peak == null ? "n/a" : "%.0f".formatted(peak.streams())));
        line("| notifier heap in use at that peak: total, per stream, growth since before the run per stream | %s |".formatted(
                peak == null || peak.streams() == 0 ? "n/a" : "%.0f MB, %.1f KB, %s".formatted(peak.heapBytes() / 1e6,
                        peak.heapBytes() / peak.streams() / 1024, peak.heapBytes() < spillway.heapBefore
                                ? "n/a (a collection ran in between)"
                                : "%.1f KB".formatted((peak.heapBytes() - spillway.heapBefore) / peak.streams() / 1024))));
        line("| load average after the run | %s |".formatted(loadAverage()));
        Path png = out.resolve(args.getOrDefault("plot", "rehearsal.png"));
        List<Plot.Series> series = new ArrayList<>(List.of(
                new Plot.Series("arrivals", spillway.perSecond(b -> b.scheduledAt), Color.GRAY, false),
                new Plot.Series("Spillway accepted", spillway.perSecond(b -> b.acceptedAt), new Color(0x1f77b4), false),
                new Plot.Series("Spillway decided", spillway.perSecond(b -> b.decidedAt), new Color(0x2ca02c), false),
                new Plot.Series("Spillway undecided", spillway.undecided(), new Color(0xff7f0e), false),
                new Plot.Series("Spillway open streams", spillway.openStreams(), new Color(0x9467bd), false)));
        List<Plot.Distribution> distributions = new ArrayList<>(List.of(
                new Plot.Distribution("Spillway", spillway.timesToResult(), new Color(0x2ca02c))));
        if (baseline != null) {
            series.add(new Plot.Series("sync decided", baseline.perSecond(b -> b.decidedAt), new Color(0xd62728), true));
            distributions.add(new Plot.Distribution("synchronous checkout", baseline.timesToResult(), new Color(0xd62728)));
        }
        Plot.write(png, "Sale-day rehearsal: %d buyers, GA %d + VIP %d seats, opening at %.0f s".formatted(
                buyers, stock, seats, schedule.openingSeconds()), schedule.openingSeconds(), series, distributions);
        line("");
        line("plot: " + png);
        line("");
        line("Per second (s: arrivals, Spillway accepted / decided / undecided / open streams"
                + (baseline == null ? "" : ", synchronous accepted+decided") + "):");
        line("");
        line("```");
        int[][] columns = series.stream().map(Plot.Series::values).toArray(int[][]::new);
        int rows = java.util.Arrays.stream(columns).mapToInt(c -> c.length).max().orElse(0);
        for (int second = 0; second < rows; second++) {
            StringBuilder text = new StringBuilder("%3d".formatted(second));
            for (int[] column : columns) {
                text.append(" %6d".formatted(second < column.length ? column[second] : 0));
            }
            line(text.toString());
        }
        line("```");
        Files.writeString(out.resolve(args.getOrDefault("figures", "rehearsal-figures.md")), report.toString());
    }

    private static String outcomes(Result r) {
        Map<String, Integer> outcomes = new TreeMap<>();
        r.buyers.forEach(b -> outcomes.merge(b.decision == null ? (b.error == null ? "undecided" : "error") : b.decision,
                1, Integer::sum));
        return outcomes.toString();
    }

    private static String ends(Result r) {
        Map<String, Integer> ends = new TreeMap<>();
        r.buyers.stream().filter(b -> b.acceptedAt >= 0).forEach(b -> ends.merge(b.end == null ? "unended" : b.end, 1, Integer::sum));
        return ends.toString();
    }

    private static String statuses(Result r) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        r.buyers.forEach(b -> b.statuses.forEach((s, n) -> statuses.merge(s, n, Integer::sum)));
        return statuses.toString();
    }

    private static String cpuText(Result r) {
        StringBuilder text = new StringBuilder();
        r.cpu.forEach((name, seconds) -> text.append(text.isEmpty() ? "" : ", ").append("%s %.1f".formatted(name, seconds)));
        return text + " (over %.0f s)".formatted(r.durationMillis / 1000.0);
    }

    private void row(List<Result> results, String name, java.util.function.Function<Result, String> value) {
        line("| " + name + " | " + String.join(" | ", results.stream().map(value).toList()) + " |");
    }

    private void line(String text) {
        System.out.println(text);
        report.append(text).append('\n');
    }

    private static void say(String format, Object... values) {
        System.out.printf(format + "%n", values);
    }

}
