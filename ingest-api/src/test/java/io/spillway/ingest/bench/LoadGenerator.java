package io.spillway.ingest.bench;

import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.core.ConditionTimeoutException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A constant-arrival-rate HTTP load generator for the benchmark (docs/benchmarks/ingest.md), not a
 * test. Requests are scheduled at fixed intervals whatever the server does (an open model, like
 * wrk2), each is timed from when it was <em>meant</em> to start, so a stalled server shows in the
 * latency instead of slowing the load down (no coordinated omission). Keep-alive connections, each
 * served by a virtual thread, take the scheduled requests from one queue.
 *
 * <p>{@code LoadGenerator URL RATE SECONDS CONNECTIONS SALE SKU [WARMUP_SECONDS]} prints one line:
 * offered and achieved rate, statuses, and p50/p99/p99.9/max latency in milliseconds.
 */
public final class LoadGenerator {

    public static void main(String[] args) throws Exception {
        java.net.URI url = java.net.URI.create(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int connections = Integer.parseInt(args[3]);
        String sale = args[4];
        String sku = args[5];
        int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 0;

        if (warmup > 0) {
            run(url, rate, warmup, connections, sale, sku, false);
        }
        run(url, rate, seconds, connections, sale, sku, true);
    }

    private static void run(java.net.URI url, int rate, int seconds, int connections, String sale, String sku, boolean print)
            throws Exception {
        LinkedBlockingQueue<Long> scheduled = new LinkedBlockingQueue<>();
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        AtomicLong sequence = new AtomicLong();
        long total = (long) rate * seconds;
        LongAdder done = new LongAdder();
        LongAdder acceptedInWindow = new LongAdder();
        String body = "{\"saleId\":\"" + sale + "\",\"sku\":\"" + sku + "\",\"quantity\":1}";
        String run = UUID.randomUUID().toString().substring(0, 8);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        long windowEnd = start + TimeUnit.SECONDS.toNanos(seconds);
        Thread[] workers = new Thread[connections];
        for (int c = 0; c < connections; c++) {
            workers[c] = Thread.ofVirtual().start(() -> work(url, scheduled, recorder, statuses, sequence, body, run, done,
                    acceptedInWindow, windowEnd));
        }
        for (long i = 0; i < total; i++) {
            long intended = start + i * interval;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            scheduled.add(intended);
        }
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> done.sum() >= total);
        } catch (ConditionTimeoutException stillWaiting) {
            // Counted below as requests that got no answer in time.
        }
        // Workers still waiting for an answer are left alone (virtual threads end with the JVM);
        // interrupting them would count their requests as failures.
        for (int c = 0; c < connections; c++) {
            scheduled.add(-1L);
        }
        if (!print) {
            return;
        }
        Histogram histogram = recorder.getIntervalHistogram();
        long accepted = statuses.getOrDefault(202, new LongAdder()).sum();
        System.out.printf("url=%s offered=%d/s duration=%ds sent=%d completed=%d accepted(202)=%d "
                        + "accepted_per_s_in_window=%.0f statuses=%s p50=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms%n",
                url.getPath(), rate, seconds, total, done.sum(), accepted, acceptedInWindow.sum() / (double) seconds,
                new TreeMap<>(statuses), ms(histogram.getValueAtPercentile(50)),
                ms(histogram.getValueAtPercentile(99)), ms(histogram.getValueAtPercentile(99.9)),
                ms(histogram.getMaxValue()));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void work(java.net.URI url, LinkedBlockingQueue<Long> scheduled, Recorder recorder,
            Map<Integer, LongAdder> statuses, AtomicLong sequence, String body, String run, LongAdder done,
            LongAdder acceptedInWindow, long windowEnd) {
        Socket socket = null;
        try {
            while (true) {
                long intended = scheduled.take();
                if (intended < 0) {
                    return;
                }
                long n = sequence.incrementAndGet();
                // A new key per request; customers spread so that the per-customer bucket is not the limit.
                byte[] request = ("POST " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost()
                        + "\r\nContent-Type: application/json\r\nIdempotency-Key: " + run + "-" + n
                        + "\r\nX-Customer-Id: bench-" + (n % 200_000) + "\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
                int status;
                try {
                    if (socket == null) {
                        socket = new Socket();
                        socket.setTcpNoDelay(true);
                        socket.connect(new InetSocketAddress(url.getHost(), url.getPort()));
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(request);
                    out.flush();
                    status = readResponse(new BufferedInputStream(socket.getInputStream(), 4096));
                    if (status < 0) {
                        // The server ends keep-alive connections now and then: reconnect, not an error.
                        status = -status;
                        closeQuietly(socket);
                        socket = null;
                    }
                } catch (IOException e) {
                    status = 0;
                    closeQuietly(socket);
                    socket = null;
                }
                long now = System.nanoTime();
                recorder.recordValue(Math.max(0, now - intended));
                if (status == 202 && now <= windowEnd) {
                    acceptedInWindow.increment();
                }
                statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                done.increment();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(socket);
        }
    }

    /** Reads one response (Content-Length or chunked): its status, negated if the server closes. */
    private static int readResponse(BufferedInputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line(in).trim(), 16); size > 0; size = Long.parseLong(line(in).trim(), 16)) {
                in.skipNBytes(size);
                line(in);
            }
            line(in);
        } else if (length > 0) {
            in.skipNBytes(length);
        }
        return close ? -status : status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nothing to do: the connection is being dropped.
            }
        }
    }
}
