package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.spring.WarmupMark;
import io.spillway.contract.spring.WarmupRound;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.springframework.core.env.Environment;

/**
 * The notifier's warm-up round: what a buyer does at the opening, through this instance's own HTTP
 * port: reads an order's status, then opens its event stream, reads the first event and goes away.
 * That runs the server, the routes, the token check, the store's read, the render and the stream's
 * whole life (admitted, first step, released when the client leaves), the code a spike of buyers
 * makes hot and a new JVM has not compiled yet.
 *
 * <p>It follows only {@link WarmupOrders}' ids, which no buyer's order can have, and leaves nothing:
 * the orders are not in the table (nothing is written to Kafka), the streams end with the round and
 * are not counted in {@code spillway.notifier.streams.open} or {@code events.sent}, the requests are
 * not counted in {@code http.server.requests}, and the system of record is not asked for them.
 *
 * <p>Limits: an order that is not in the table renders without a place in line, so the queue
 * model's estimate is compiled by real buyers only; so are the roads of a decision (direct feed,
 * table), which a round cannot take without a record on Kafka. Each round's connections are counted
 * in {@code spillway.notifier.connections.open} while they last.
 */
final class OrderWarmup implements WarmupRound {

    private static final int TIMEOUT_MILLIS = 10_000;

    private final OrderTokens tokens;
    private final WarmupOrders orders;
    private final Environment environment;

    OrderWarmup(OrderTokens tokens, WarmupOrders orders, Environment environment) {
        this.tokens = tokens;
        this.orders = orders;
        this.environment = environment;
    }

    @Override
    public void run() throws IOException {
        OrderId id = orders.next();
        String query = "?token=" + tokens.tokenFor(id);
        String status = exchange("GET /api/v1/orders/" + id + query, "Connection: close\r\n", "\"status\":\"QUEUED\"", null);
        if (status == null) {
            throw new IOException("the status of " + id + " did not come");
        }
        String stream = exchange("GET /api/v1/orders/" + id + "/events" + query, "Accept: text/event-stream\r\n",
                "event:queued", "\n\n");
        if (stream == null) {
            throw new IOException("the first event of " + id + " did not come");
        }
    }

    /**
     * Sends one request on a connection of its own and reads until {@code expected} (and then
     * {@code after} it, if given) has arrived; closes the connection. Null when the answer ended
     * first; an answer other than 200 is an exception with its status line.
     */
    private String exchange(String requestLine, String headers, String expected, String after) throws IOException {
        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + WarmupMark.HEADER + ": " + orders.mark().value() + "\r\n" + headers + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[2048];
            StringBuilder seen = new StringBuilder(1024);
            for (int read; (read = in.read(buffer)) >= 0; ) {
                seen.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                if (seen.length() >= 12 && seen.indexOf("HTTP/1.1 200") != 0) {
                    throw new IOException("answered " + seen.substring(0, Math.max(0, seen.indexOf("\r\n"))));
                }
                int found = seen.indexOf(expected);
                if (found >= 0 && (after == null || seen.indexOf(after, found) >= 0)) {
                    return seen.toString();
                }
            }
            return null;
        }
    }
}
