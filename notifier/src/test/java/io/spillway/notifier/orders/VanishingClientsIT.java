package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderId;
import io.spillway.contract.SaleId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Clients that go away without a word: every stream is released, and its memory with it. */
class VanishingClientsIT extends NotifierAgainstTheBroker {

    @Test
    void aThousandClientsThatVanishReleaseEveryStreamAndTheirMemory() throws Exception {
        assertThat(openStreams()).isZero();
        // A first round fills the server's bounded pools (Netty's buffer caches, Reactor's and
        // Spring's lazily built parts): memory kept for reuse, not leaked. A leak would grow again with the second round; a pool does not.
        vanish(1_000);
        long baselineHeap = settledHeap();
        long baselineConnections = openConnections();

        long withStreams = vanish(1_000);
        long after = settledHeap();

        System.out.printf("heap: baseline %d KiB, 1000 streams open %d KiB, after they vanished %d KiB%n",
                baselineHeap / 1024, withStreams / 1024, after / 1024);
        assertThat(openStreams()).isZero();
        await().atMost(PATIENCE).until(() -> openConnections() <= baselineConnections);
        // The heap within what unrelated background work (Kafka clients, metrics) moves; 1000 leaked
        // streams would hold about 100 MiB here.
        assertThat(after).isLessThan(baselineHeap + HEAP_TOLERANCE);
        assertThat(withStreams).isGreaterThan(baselineHeap + HEAP_TOLERANCE);
    }

    /** Opens {@code clients} streams, resets them all at once; answers the heap while they were open. */
    private long vanish(int clients) throws Exception {
        List<java.net.Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                sockets.add(rawSubscribe(OrderId.derive(CustomerId.of("vanishing"), SaleId.of("concert"), UUID.randomUUID().toString())));
            }
            await().atMost(PATIENCE).until(() -> openStreams() == clients);
            long withStreams = settledHeap();
            for (java.net.Socket socket : sockets) {
                // SO_LINGER 0: the connection is reset, as when a phone loses its network, with no orderly close.
                socket.setSoLinger(true, 0);
                socket.close();
            }
            await().atMost(PATIENCE).until(() -> openStreams() == 0);
            return withStreams;
        } finally {
            for (java.net.Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private long openConnections() {
        return context.getBean(OpenConnections.class).count();
    }

    private static final long HEAP_TOLERANCE = 8L * 1024 * 1024;

    private double openStreams() {
        return meters.get("spillway.notifier.streams.open").gauge().value();
    }

    /** Heap in use after full collections, once two successive readings agree within 1 MiB. */
    private static long settledHeap() {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 1024 * 1024) {
                return Math.min(previous, used);
            }
            previous = used;
        }
        return previous;
    }

    /** A plain-socket event stream, read up to its first event, so that the test can drop it abruptly. */
    private java.net.Socket rawSubscribe(OrderId orderId) throws IOException {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
        socket.setSoTimeout((int) PATIENCE.toMillis());
        String request = "GET /api/v1/orders/" + orderId + "/events?token=" + TOKENS.tokenFor(orderId) + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        StringBuilder seen = new StringBuilder();
        java.io.InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        while (!seen.toString().contains("event:queued")) {
            int read = in.read(buffer);
            if (read < 0) {
                throw new IOException("stream closed before its first event: " + seen);
            }
            seen.append(new String(buffer, 0, read, java.nio.charset.StandardCharsets.US_ASCII));
        }
        return socket;
    }
}
