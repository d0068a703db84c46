package io.spillway.ingest.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A constant-arrival-rate HTTP/1.1 load generator for the benchmark (docs/benchmarks/ingest.md), not
 * a test. It shares two cores with the broker and the service, so it is built to cost as little CPU
 * as possible: one thread, one NIO selector, keep-alive connections opened once, request bytes built
 * once per connection and only their counters rewritten in place, one HdrHistogram, no allocation
 * per request.
 *
 * <p>How it measures (an open model, as wrk2): request {@code i} is due at {@code start + i/rate}
 * whatever the server does. It goes out on the first idle connection at or after that time; if all
 * connections are busy it waits for one, and that wait counts. Latency is taken from the due time to
 * the last byte of the answer, so a stalled server shows in the latency instead of slowing the load
 * down (no coordinated omission; because every latency is already measured from its due time, no
 * further expected-interval correction is applied, which would count the same wait twice). The
 * selector wakes at least every millisecond, so a request may leave up to about 1 ms after it was
 * due; that delay is in the figures, never hidden.
 *
 * <p>{@code LoadGenerator URL RATE SECONDS CONNECTIONS SALE SKU [WARMUP_SECONDS]} prints one line of
 * {@code key=value}: offered and achieved rates, statuses, p50/p90/p99/p99.9/max in milliseconds and
 * the CPU the generator itself used. With {@code -Dtimeline=FILE} it also writes, for every second
 * of the run by the time answers arrived, {@code epochMillis answers accepted shed other} (shed:
 * 503s), for benchmarks that follow a run second by second (bench/stall.sh); with
 * {@code -Dstarted=FILE} it writes the run's start (epoch milliseconds) there once its connections
 * are open and the first request is due.
 */
public final class LoadGenerator {

    private static final int RESPONSE_BUFFER = 16 * 1024;
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int connections = Integer.parseInt(args[3]);
        String body = "{\"saleId\":\"" + args[4] + "\",\"sku\":\"" + args[5] + "\",\"quantity\":1}";
        int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        String readiness = System.getProperty("awaitReady");
        if (readiness != null) {
            awaitReady(URI.create(readiness));
        }

        LoadGenerator generator = new LoadGenerator(url, body, connections);
        try {
            if (warmup > 0) {
                generator.run(rate, warmup);
            }
            Result result = generator.run(rate, seconds);
            System.out.println(result.line(url.getPath(), rate, seconds));
            String timeline = System.getProperty("timeline");
            if (timeline != null) {
                java.nio.file.Files.write(java.nio.file.Path.of(timeline), result.timeline());
            }
        } finally {
            generator.close();
        }
    }

    /**
     * With {@code -DawaitReady=URL}: polls the service's readiness every 50 ms and returns once it
     * answers 200, so that a generator launched beside a starting service has its own JVM start
     * behind it when the first request is due (bench/warmup.sh measures from readiness).
     */
    private static void awaitReady(URI readiness) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofMinutes(5))
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> isReady(readiness));
    }

    private static boolean isReady(URI readiness) {
        try {
            java.net.HttpURLConnection probe = (java.net.HttpURLConnection) readiness.toURL().openConnection();
            probe.setConnectTimeout(1000);
            probe.setReadTimeout(1000);
            int status = probe.getResponseCode();
            probe.getInputStream().close();
            return status == 200;
        } catch (IOException notYet) {
            // Refused or 503 (getInputStream throws for it): not ready yet.
            return false;
        }
    }

    private final Selector selector;
    private final Connection[] all;
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final InetSocketAddress address;
    private final String path;
    private final String host;
    private final String body;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private long sequence;

    private LoadGenerator(URI url, String body, int connections) throws IOException {
        this.address = new InetSocketAddress(url.getHost(), url.getPort());
        this.path = url.getPath();
        this.host = url.getHost() + ":" + url.getPort();
        this.body = body;
        this.selector = Selector.open();
        this.all = new Connection[connections];
        for (int c = 0; c < connections; c++) {
            all[c] = new Connection();
            all[c].open();
            idle.add(all[c]);
        }
    }

    private Result run(int rate, int seconds) throws IOException {
        Result result = new Result(seconds);
        long cpuBefore = cpuNanos();
        long total = (long) rate * seconds;
        double interval = 1e9 / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        result.startNanos = start;
        result.startEpochMillis = System.currentTimeMillis() + 20;
        String started = System.getProperty("started");
        if (started != null) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(started), Long.toString(result.startEpochMillis));
        }
        long windowEnd = start + TimeUnit.SECONDS.toNanos(seconds);
        long next = 0;
        int busy = 0;
        long drainUntil = Long.MAX_VALUE;
        while (next < total || busy > 0) {
            long now = System.nanoTime();
            if (next < total && now > windowEnd) {
                // The server fell behind the schedule: what is still unsent at the end of the window
                // is not sent, and counted as late by at least as long as it has waited so far.
                for (; next < total; next++) {
                    result.unsent(now - (start + (long) (next * interval)));
                }
            }
            if (next >= total && drainUntil == Long.MAX_VALUE) {
                drainUntil = now + DRAIN_NANOS;
            }
            if (now > drainUntil) {
                // Answers that never came: counted, and their connections replaced so that the next
                // run does not read them.
                result.unanswered += busy;
                for (Connection connection : all) {
                    if (connection.inFlight) {
                        connection.closeQuietly();
                        connection.open();
                        connection.inFlight = false;
                        idle.add(connection);
                    }
                }
                break;
            }
            // Everything due by now goes out on an idle connection; the rest waits its turn.
            while (next < total && !idle.isEmpty()) {
                long due = start + (long) (next * interval);
                if (due > now) {
                    break;
                }
                Connection connection = idle.poll();
                connection.send(due);
                busy++;
                next++;
            }
            long wait = next < total && !idle.isEmpty() ? start + (long) (next * interval) - System.nanoTime() : 1_000_000;
            if (wait <= 0) {
                selector.selectNow();
            } else {
                selector.select(Math.max(1, wait / 1_000_000));
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Connection connection = (Connection) key.attachment();
                if (!key.isValid()) {
                    continue;
                }
                if (key.isWritable()) {
                    connection.flush();
                }
                if (key.isReadable()) {
                    int status = connection.read();
                    if (status == 0) {
                        continue;
                    }
                    if (connection.inFlight) {
                        long done = System.nanoTime();
                        result.record(status, done - connection.due, done <= windowEnd, done);
                        connection.inFlight = false;
                        busy--;
                        if (connection.channel == null) {
                            connection.open();
                        }
                        idle.add(connection);
                    } else if (connection.channel == null) {
                        // The server closed an idle keep-alive connection; it stays in the idle pool.
                        connection.open();
                    }
                }
            }
        }
        result.sent = result.sent(next);
        result.cpuNanos = cpuNanos() - cpuBefore;
        result.elapsedNanos = System.nanoTime() - start;
        return result;
    }

    private void close() {
        for (Connection connection : all) {
            connection.closeQuietly();
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // Ending anyway.
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * One keep-alive connection with its own request bytes. The {@code Idempotency-Key} and
     * {@code X-Customer-Id} values end in fixed-width decimal counters that are rewritten in place
     * for every request: a new key per request, customers spread over 300,000 (the spike) so that the
     * per-customer bucket is not what is measured.
     */
    private final class Connection {

        private static final int KEY_DIGITS = 12;
        private static final int CUSTOMER_DIGITS = 6;
        private static final long CUSTOMERS = 300_000;

        private final byte[] request;
        private final int keyAt;
        private final int customerAt;
        private final ByteBuffer out;
        private final ByteBuffer in = ByteBuffer.allocate(RESPONSE_BUFFER);
        private SocketChannel channel;
        private SelectionKey key;
        long due;
        boolean inFlight;

        Connection() {
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nIdempotency-Key: " + run + "-";
            String middle = "0".repeat(KEY_DIGITS) + "\r\nX-Customer-Id: bench-";
            String tail = "0".repeat(CUSTOMER_DIGITS) + "\r\n\r\n" + body;
            request = (head + middle + tail).getBytes(StandardCharsets.US_ASCII);
            keyAt = head.length();
            customerAt = head.length() + middle.length();
            out = ByteBuffer.wrap(request);
        }

        void open() throws IOException {
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address);
            channel.configureBlocking(false);
            key = channel.register(selector, SelectionKey.OP_READ, this);
            in.clear();
        }

        void send(long dueAt) throws IOException {
            due = dueAt;
            inFlight = true;
            long n = ++sequence;
            digits(request, keyAt, KEY_DIGITS, n);
            digits(request, customerAt, CUSTOMER_DIGITS, n % CUSTOMERS);
            out.clear();
            flush();
        }

        void flush() throws IOException {
            try {
                channel.write(out);
            } catch (IOException e) {
                // Answered by the read side: the connection is gone, the request counts as failed.
                out.position(out.limit());
            }
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /** The status once a whole answer is in (negative-free), 0 while incomplete, -1 on failure. */
        int read() {
            int got;
            try {
                got = channel.read(in);
            } catch (IOException e) {
                got = -1;
            }
            if (got < 0) {
                closeQuietly();
                return -1;
            }
            Response response = Response.parse(in);
            if (response == null) {
                return 0;
            }
            // Answers arrive one per request, so nothing follows the one just read.
            in.clear();
            if (response.close) {
                closeQuietly();
            }
            return response.status;
        }

        void closeQuietly() {
            if (channel != null) {
                try {
                    key.cancel();
                    channel.close();
                } catch (IOException ignored) {
                    // Dropping it anyway.
                }
                channel = null;
            }
        }

        private static void digits(byte[] into, int at, int width, long value) {
            for (int i = at + width - 1; i >= at; i--) {
                into[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
        }
    }

    /**
     * The parts of an HTTP/1.1 answer the generator needs, read from the bytes received so far
     * without building strings. Only one request is outstanding per connection, so a complete
     * answer ends exactly where the received bytes end.
     */
    private record Response(int status, boolean close) {

        private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CHUNKED = "transfer-encoding: chunked".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CLOSE = "connection: close".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        static Response parse(ByteBuffer in) {
            byte[] bytes = in.array();
            int length = in.position();
            int headersEnd = headersEnd(bytes, length);
            if (headersEnd < 0 || length < 12) {
                return null;
            }
            int status = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
            long contentLength = -1;
            boolean chunked = false;
            boolean close = false;
            // Header lines start after each CRLF, up to the blank line.
            for (int line = lineAfter(bytes, 0, headersEnd); line >= 0 && line < headersEnd;
                    line = lineAfter(bytes, line, headersEnd)) {
                if (startsWith(bytes, line, CONTENT_LENGTH)) {
                    contentLength = 0;
                    for (int i = line + CONTENT_LENGTH.length; i < length && bytes[i] != '\r'; i++) {
                        if (bytes[i] >= '0' && bytes[i] <= '9') {
                            contentLength = contentLength * 10 + (bytes[i] - '0');
                        }
                    }
                } else if (startsWith(bytes, line, CHUNKED)) {
                    chunked = true;
                } else if (startsWith(bytes, line, CLOSE)) {
                    close = true;
                }
            }
            int bodyStart = headersEnd + 4;
            if (contentLength >= 0) {
                return length >= bodyStart + contentLength ? new Response(status, close) : null;
            }
            if (chunked) {
                return length - bodyStart >= LAST_CHUNK.length && startsWith(bytes, length - LAST_CHUNK.length, LAST_CHUNK)
                        && (length - bodyStart == LAST_CHUNK.length || bytes[length - LAST_CHUNK.length - 1] == '\n')
                        ? new Response(status, close) : null;
            }
            return new Response(status, close);
        }

        private static int headersEnd(byte[] bytes, int length) {
            for (int i = 0; i + 3 < length; i++) {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private static int lineAfter(byte[] bytes, int from, int end) {
            for (int i = from; i + 1 < end + 2; i++) {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                    return i + 2;
                }
            }
            return -1;
        }

        private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
            if (at + prefix.length > bytes.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                int b = bytes[at + i];
                if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** What one run measured. */
    private static final class Result {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final TreeMap<Integer, Long> statuses = new TreeMap<>();
        long acceptedInWindow;
        long completed;
        long unanswered;
        long unsent;
        long sent;
        long cpuNanos;
        long elapsedNanos;
        long startNanos;
        long startEpochMillis;
        /** Per second since the start, by arrival of the answer: answers (not failed connections), 202s, 503s. */
        final long[][] perSecond;

        Result(int seconds) {
            perSecond = new long[(int) (seconds + DRAIN_NANOS / 1_000_000_000 + 2)][3];
        }

        java.util.List<String> timeline() {
            java.util.List<String> lines = new java.util.ArrayList<>();
            for (int second = 0; second < perSecond.length; second++) {
                long[] counts = perSecond[second];
                lines.add((startEpochMillis + second * 1000L) + " " + counts[0] + " " + counts[1] + " " + counts[2]
                        + " " + (counts[0] - counts[1] - counts[2]));
            }
            return lines;
        }

        long sent(long scheduled) {
            return scheduled - unsent;
        }

        void unsent(long lateNanos) {
            latency.recordValue(Math.min(Math.max(0, lateNanos), latency.getHighestTrackableValue()));
            unsent++;
        }

        void record(int status, long nanos, boolean inWindow, long doneNanos) {
            latency.recordValue(Math.min(Math.max(0, nanos), latency.getHighestTrackableValue()));
            int second = (int) Math.min(perSecond.length - 1, Math.max(0, (doneNanos - startNanos) / 1_000_000_000));
            perSecond[second][0] += status > 0 ? 1 : 0;
            perSecond[second][1] += status == 202 ? 1 : 0;
            perSecond[second][2] += status == 503 ? 1 : 0;
            statuses.merge(status < 0 ? 0 : status, 1L, Long::sum);
            completed++;
            if (status == 202 && inWindow) {
                acceptedInWindow++;
            }
        }

        String line(String path, int rate, int seconds) {
            return String.format(java.util.Locale.ROOT,
                    "url=%s offered=%d/s duration=%ds sent=%d unsent=%d completed=%d unanswered=%d statuses=%s "
                            + "accepted_per_s=%.0f completed_per_s=%.0f p50=%.2fms p90=%.2fms p99=%.2fms p99.9=%.2fms "
                            + "max=%.2fms generator_cpu=%.1f%%",
                    path, rate, seconds, sent, unsent, completed, unanswered, statuses, acceptedInWindow / (double) seconds,
                    completed / (double) seconds, ms(latency.getValueAtPercentile(50)),
                    ms(latency.getValueAtPercentile(90)), ms(latency.getValueAtPercentile(99)),
                    ms(latency.getValueAtPercentile(99.9)), ms(latency.getMaxValue()),
                    100.0 * cpuNanos / elapsedNanos);
        }

        private static double ms(long nanos) {
            return nanos / 1e6;
        }
    }
}
