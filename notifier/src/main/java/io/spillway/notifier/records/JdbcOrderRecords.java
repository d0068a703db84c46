package io.spillway.notifier.records;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.OrderId;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.notifier.NotifierProperties;
import io.spillway.notifier.status.OrderState;
import io.spillway.notifier.status.OrderStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OrderRecords} over JDBC: {@code SELECT … FROM orders WHERE order_id = ANY(?)}, read-only,
 * on a pool of its own (a couple of connections), never on a caller's thread.
 *
 * <p>What keeps a burst of reads off the database:
 * <ul>
 *   <li>Batching: lookups asked within {@code batchWindow} go as one query of up to
 *       {@value #MAX_BATCH} ids, and one query runs at a time (one thread): at most one query per
 *       window, however many readers. Concurrent lookups of one order share one place in the batch.
 *   <li>Caches: a decision found is final and kept (up to {@value #FOUND} orders, 10 minutes);
 *       "not in the database" is believed for {@code absentFor} (a queued order polled every
 *       second costs one query per window, not one per poll).
 *   <li>Failure: the named circuit breaker {@code order-records} (resilience4j, YAML) opens on
 *       failed or slow queries; while it is open, and whenever more than {@value #MAX_WAITING}
 *       lookups wait, a lookup answers empty at once. Connection attempts and queries are bounded
 *       by {@code timeout}. A database outage thus degrades to the table's answer.
 * </ul>
 *
 * <p>Limits: the answer waits up to one batch window plus one query. Only {@code orders} is read
 * (the role's one grant): the payment shown is the one that paid ({@code payment_ref} of a PAID
 * row); a refused payment of an order that left the table is not (docs/notifier.md). A held row
 * is answered but not cached: its hold ends.
 */
public final class JdbcOrderRecords implements OrderRecords, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JdbcOrderRecords.class);

    static final int MAX_BATCH = 500;
    static final int MAX_WAITING = 20_000;
    static final int FOUND = 10_000;

    private static final String SELECT = """
            SELECT order_id, status, reason, sale_id, sku, quantity, seats, decided_at, hold_expires_at, ended_at,
                   payment_ref
              FROM orders WHERE order_id = ANY (?)""";

    private final HikariDataSource database;
    private final CircuitBreaker breaker;
    private final Duration batchWindow;
    private final int queryTimeoutSeconds;
    private final Cache<OrderId, OrderStatus> found;
    private final Cache<OrderId, Boolean> absent;
    private final Map<OrderId, CompletableFuture<Optional<OrderStatus>>> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean flushPlanned = new AtomicBoolean();
    private final ScheduledExecutorService lookups = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("order-records").factory());
    private final Counter queries;
    private final Counter failedQueries;
    private final Counter foundInDatabase;

    public JdbcOrderRecords(NotifierProperties.Records settings, CircuitBreaker breaker, MeterRegistry meters) {
        this.breaker = breaker;
        this.batchWindow = settings.batchWindow();
        this.queryTimeoutSeconds = (int) Math.max(1, settings.timeout().toSeconds());
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("order-records");
        pool.setJdbcUrl(settings.url());
        pool.setUsername(settings.username());
        pool.setPassword(settings.password());
        pool.setMaximumPoolSize(settings.poolSize());
        pool.setMinimumIdle(1);
        pool.setReadOnly(true);
        // The database may be down when the notifier starts; the table answers meanwhile.
        pool.setInitializationFailTimeout(-1);
        pool.setConnectionTimeout(Math.max(250, settings.timeout().toMillis()));
        pool.setValidationTimeout(250);
        // A database that stops answering mid-query fails the query instead of holding the lookup thread.
        pool.addDataSourceProperty("socketTimeout", Long.toString(Math.max(5, settings.timeout().toSeconds() * 4)));
        pool.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, settings.timeout().toSeconds())));
        this.database = new HikariDataSource(pool);
        this.found = Caffeine.newBuilder().maximumSize(FOUND).expireAfterWrite(Duration.ofMinutes(10)).build();
        this.absent = Caffeine.newBuilder().maximumSize(MAX_WAITING * 5L).expireAfterWrite(settings.absentFor()).build();
        this.queries = Counter.builder("spillway.notifier.records.queries")
                .description("Queries of the orders table (each for a batch of order ids)")
                .tag("outcome", "ok").register(meters);
        this.failedQueries = Counter.builder("spillway.notifier.records.queries")
                .description("Queries of the orders table (each for a batch of order ids)")
                .tag("outcome", "failed").register(meters);
        this.foundInDatabase = Counter.builder("spillway.notifier.records.found")
                .description("Decided orders answered from the orders table, not from the order-status table")
                .register(meters);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public CompletableFuture<Optional<OrderStatus>> decided(OrderId orderId) {
        OrderStatus known = found.getIfPresent(orderId);
        if (known != null) {
            return CompletableFuture.completedFuture(Optional.of(known));
        }
        if (absent.getIfPresent(orderId) != null
                || breaker.getState() == CircuitBreaker.State.OPEN
                || breaker.getState() == CircuitBreaker.State.FORCED_OPEN
                || waiting.size() >= MAX_WAITING) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<OrderStatus>> answer = waiting.computeIfAbsent(orderId, id -> new CompletableFuture<>());
        if (flushPlanned.compareAndSet(false, true)) {
            lookups.schedule(this::flush, batchWindow.toNanos(), TimeUnit.NANOSECONDS);
        }
        // A copy: a caller that gives up (timeout, cancel) must not complete the shared answer.
        return answer.copy();
    }

    /** Asks the database for everything waiting, a batch at a time; on the lookup thread only. */
    private void flush() {
        flushPlanned.set(false);
        while (!waiting.isEmpty()) {
            Map<OrderId, CompletableFuture<Optional<OrderStatus>>> batch = new HashMap<>();
            Iterator<Map.Entry<OrderId, CompletableFuture<Optional<OrderStatus>>>> it = waiting.entrySet().iterator();
            while (it.hasNext() && batch.size() < MAX_BATCH) {
                Map.Entry<OrderId, CompletableFuture<Optional<OrderStatus>>> entry = it.next();
                batch.put(entry.getKey(), entry.getValue());
                it.remove();
            }
            Map<OrderId, OrderStatus> rows;
            try {
                rows = breaker.executeCallable(() -> select(batch.keySet()));
                queries.increment();
            } catch (Exception unavailable) {
                failedQueries.increment();
                log.warn("The orders table could not be read ({}); {} orders answered from the table alone",
                        unavailable.toString(), batch.size());
                batch.values().forEach(answer -> answer.complete(Optional.empty()));
                continue;
            }
            batch.forEach((orderId, answer) -> {
                OrderStatus row = rows.get(orderId);
                if (row == null) {
                    absent.put(orderId, Boolean.TRUE);
                } else {
                    if (row.isTerminal()) {
                        // Final: nothing changes it. A held row's hold ends, so it is asked again.
                        found.put(orderId, row);
                    }
                    foundInDatabase.increment();
                }
                answer.complete(Optional.ofNullable(row));
            });
        }
    }

    private Map<OrderId, OrderStatus> select(Iterable<OrderId> orderIds) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        orderIds.forEach(id -> ids.add(id.value()));
        Map<OrderId, OrderStatus> rows = new HashMap<>();
        try (Connection connection = database.getConnection();
                PreparedStatement select = connection.prepareStatement(SELECT)) {
            Array array = connection.createArrayOf("uuid", ids.toArray());
            select.setArray(1, array);
            select.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    OrderStatus row = row(result);
                    if (row != null) {
                        rows.put(row.orderId(), row);
                    }
                }
            }
        }
        return rows;
    }

    /**
     * One row of {@code orders} as the table's row of a decided order; null for a status the
     * notifier does not know. A CANCELLED row the processor wrote before the order arrived has no
     * item fields: they stay null.
     */
    static OrderStatus row(ResultSet result) throws SQLException {
        OrderState state;
        try {
            state = OrderState.valueOf(result.getString("status"));
        } catch (IllegalArgumentException unknown) {
            return null;
        }
        if (state == OrderState.QUEUED) {
            return null;
        }
        String reason = result.getString("reason");
        List<SeatId> seats = new ArrayList<>();
        Array seatArray = result.getArray("seats");
        if (seatArray != null) {
            for (Object seat : (Object[]) seatArray.getArray()) {
                seats.add(SeatId.of((String) seat));
            }
        }
        String sale = result.getString("sale_id");
        String sku = result.getString("sku");
        Instant decidedAt = instant(result, "decided_at");
        Instant endedAt = instant(result, "ended_at");
        // The same time as the event's: a hold's end at ended_at, a decision at decided_at (event ids come from it).
        Instant updatedAt = endedAt != null ? endedAt : decidedAt;
        if (updatedAt == null) {
            return null;
        }
        String paymentRef = result.getString("payment_ref");
        return new OrderStatus(
                new OrderId(result.getObject("order_id", UUID.class)),
                state,
                sale == null ? null : SaleId.of(sale),
                sku == null ? null : Sku.of(sku),
                result.getObject("quantity", Integer.class),
                seats,
                state == OrderState.REJECTED && reason != null ? RejectionReason.valueOf(reason) : null,
                null,
                null,
                updatedAt,
                instant(result, "hold_expires_at"),
                state == OrderState.PAID && paymentRef != null && endedAt != null
                        ? new OrderStatus.Payment(paymentRef, PaymentOutcome.PAID, endedAt) : null);
    }

    private static Instant instant(ResultSet result, String column) throws SQLException {
        OffsetDateTime time = result.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    @Override
    public void close() {
        lookups.shutdownNow();
        waiting.values().forEach(answer -> answer.complete(Optional.empty()));
        database.close();
    }
}
