package io.spillway.ingest.orders;

import io.spillway.contract.EventSerde;
import io.spillway.contract.ItemAvailability;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.spring.WarmupMark;
import io.spillway.contract.spring.WarmupRound;
import io.spillway.ingest.catalog.SaleBook;
import io.spillway.ingest.ratelimit.RateLimitProperties;
import io.spillway.ingest.ratelimit.RateLimits;
import jakarta.servlet.http.HttpServletRequest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The door's warm-up (the {@link io.spillway.contract.spring.WarmupGate} runs it before the
 * instance reports ready): real {@code POST /api/v1/orders} requests to the instance's own port,
 * through Tomcat, the filters, the controller, the body's parsing and validation, the rate limits,
 * the sale's rules and the 202's body and order token, exactly as a buyer's. They carry a
 * {@link WarmupMark} drawn at start-up, and the controller hands a request that bears it to this lane's
 * own intake instead of the door's: a sale that exists only in this lane's {@link SaleBook}, rate
 * limits and remembered keys of its own, metrics on a registry no one reads, and an order log that
 * serializes the record as the producer would and keeps nothing (the
 * door's own meters are not counted either: the controller counts only what its intake accepted). So no record reaches the broker,
 * no bucket or key of a buyer is touched and the door's counters stay exact. Once the warm-up has
 * finished the lane is dropped, its mark with it: from then on no request is taken by the lane,
 * whatever it carries, and what its orders left in memory is garbage. Its requests are left out of
 * Spring's {@code http.server.requests} as well (an observation predicate).
 *
 * <p>Limits: the producer's own send path (accumulator, sender, network) is not warmed; its
 * connection and the topic's metadata are ({@link ProducerWarmup}).
 */
final class DoorWarmup implements WarmupRound {

    private static final SaleId SALE = SaleId.of("spillway-warmup");
    private static final Sku ITEM = Sku.of("warmup-ga");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Each round comes from one of these many addresses, so the lane's per-address limit is met as a crowd's. */
    private static final int ADDRESSES = 4096;
    private static final int PER_CUSTOMER = 4;

    private final IntSupplier port;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();
    private final Set<Connection> opened = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    /** Null once finished, and with it everything the warm-up's orders left in memory. */
    private volatile Lane lane;

    /** The mark a warm-up request bears, and the intake such a request goes to. */
    private record Lane(WarmupMark mark, OrderIntake intake) {}

    DoorWarmup(IntSupplier port, OrderTokens tokens, RateLimitProperties limits, IngestProperties settings) {
        this.port = port;
        SaleBook book = new SaleBook();
        book.define(SaleDefined.of(SALE, "warm-up", Instant.EPOCH, PER_CUSTOMER,
                List.of(ItemDefinition.stock(ITEM, Integer.MAX_VALUE))));
        book.update(ItemAvailability.of(SALE, ITEM, Integer.MAX_VALUE, false));
        Serializer<OrderRequested> serializer = EventSerde.requests().serializer();
        OrderLog nowhere = order -> serializer.serialize("warmup", order);
        this.lane = new Lane(new WarmupMark(),
                new OrderIntake(nowhere, tokens, Clock.systemUTC(), () -> true, book, new RateLimits(limits),
                        new BodyFingerprints(settings.rememberedKeys()), settings));
    }

    /**
     * The lane's answer to a request that bears the mark, or null for every other request (and for
     * every request once the warm-up has finished): the door then takes it as usual.
     */
    OrderIntake.Accepted acceptIfWarmup(HttpServletRequest request, PlaceOrder order) {
        Lane mine = lane;
        if (mine == null || !bearsMark(mine, request)) {
            return null;
        }
        // The round's own address, not the loopback every round comes from: the lane's per-address
        // limit meets a crowd, as the door's does.
        return mine.intake().accept(order, "warmup-" + Math.floorMod(order.customerId().hashCode(), ADDRESSES));
    }

    /** True for the warm-up's own requests, while it lasts: they are left out of the request metrics. */
    boolean isWarmup(HttpServletRequest request) {
        Lane mine = lane;
        return mine != null && bearsMark(mine, request);
    }

    private static boolean bearsMark(Lane lane, HttpServletRequest request) {
        return lane.mark().matches(request.getHeader(WarmupMark.HEADER));
    }

    @Override
    public void run() throws IOException {
        Lane mine = lane;
        if (mine == null) {
            return;
        }
        String body = "{\"saleId\":\"" + SALE + "\",\"sku\":\"" + ITEM + "\",\"quantity\":"
                + (1 + ThreadLocalRandom.current().nextInt(2)) + "}";
        byte[] request = ("POST " + OrderAccepted.ORDERS_PATH + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\n"
                + OrderRequestReader.IDEMPOTENCY_KEY + ": " + UUID.randomUUID() + "\r\n"
                + OrderRequestReader.CUSTOMER_ID + ": warmup-" + requests.incrementAndGet() + "\r\n"
                + WarmupMark.HEADER + ": " + mine.mark().value() + "\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n"
                + body).getBytes(StandardCharsets.US_ASCII);
        Connection connection = connection();
        try {
            connection.placeOrder(request);
        } catch (IOException | RuntimeException e) {
            drop(connection);
            throw e;
        }
        if (connection.closedByServer) {
            drop(connection);
        }
    }

    private Connection connection() throws IOException {
        Connection open = connections.get();
        if (open == null) {
            open = new Connection(port.getAsInt());
            connections.set(open);
            opened.add(open);
        }
        return open;
    }

    private void drop(Connection connection) {
        connections.remove();
        opened.remove(connection);
        connection.close();
    }

    @Override
    public void finished() {
        lane = null;
        opened.forEach(Connection::close);
        opened.clear();
    }

    /**
     * A keep-alive HTTP/1.1 connection of one warm-up thread to the instance's own port, spoken by
     * hand: the JDK's {@code HttpClient} spent more CPU per request than the door it was warming,
     * and on a pod short of CPU that is the warm-up's rate halved. It reads a status line, headers
     * and a {@code Content-Length} body, as the door answers; anything else is a failed round.
     */
    private static final class Connection {

        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private boolean closedByServer;

        Connection(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 4096);
        }

        void placeOrder(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            int code = status.length() >= 12 ? Integer.parseInt(status.substring(9, 12)) : -1;
            int length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                String name = colon < 0 ? header : header.substring(0, colon);
                String value = colon < 0 ? "" : header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(value);
                } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                    closedByServer = true;
                }
            }
            if (length < 0) {
                throw new IOException("a warm-up order was answered without a length: " + status);
            }
            byte[] body = in.readNBytes(length);
            if (code != 202) {
                throw new IOException("a warm-up order was answered " + status + ": "
                        + new String(body, StandardCharsets.UTF_8));
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the connection closed mid-answer");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing a connection of a warm-up that is over: nothing to do about it.
            }
        }
    }
}
