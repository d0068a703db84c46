package io.spillway.processor.store;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderId;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.Topics;
import io.spillway.contract.spring.HoldsProperties;
import io.spillway.processor.ProcessorProperties;
import io.spillway.processor.operations.HoldMetrics;
import io.spillway.processor.publish.OutboxRelay;
import io.spillway.processor.reservation.HoldLedger;
import io.spillway.processor.reservation.HoldLedger.Command;
import io.spillway.processor.reservation.HoldLedger.Settlement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The hold step: ends the holds of the lines (partitions of {@code orders.requested}) a consumer owns,
 * on that consumer's thread between its polls, so that every change to an item's stock is made by the
 * one thread that decides the item's orders, at a definite place in its line.
 *
 * <p>One step is one transaction: read the cutoff (the smallest command watermark less the payment
 * grace; none while a partition of {@code orders.commands} has no watermark), the orders of these lines
 * with pending payments or cancels, and the held orders due by the cutoff with none; let
 * {@link HoldLedger} settle each; write the orders (guarded by {@code status = 'CONFIRMED' AND version},
 * the count must match), the items and holdings (relative: {@code available += back, held -= ended}),
 * the seats given back, the commands' outcomes and the events, into {@code results_outbox}. After the
 * commit the events are handed to the producer ({@code acks=all}) without waiting; the thread's next
 * step waits for their acknowledgement (there by then: a poll ran in between) and deletes their rows
 * before it does anything else. Rows a crashed owner (or a refused send) left are published by the next
 * step of whoever owns the line, before it decides anything. Rows deleted late are only ever published
 * again, never lost: an event may reach {@code orders.results} twice, identically.
 *
 * <p>Read order matters: under READ COMMITTED every statement has its own snapshot, so the commands
 * read after the cutoff include every command stored under that watermark.
 *
 * <p>Limits: at most {@code batch} due holds and {@code batch} orders with commands per step
 * ({@code spillway.processor.hold-batch}); a full step asks to be run again soon. The last step's rows stay
 * in the outbox until the thread's next step (at most {@code HoldSteps.INTERVAL} later while it owns
 * lines). An order whose only pending commands wait for the cutoff (a late
 * payment within the grace) is read by every step until it can act.
 */
@Component
public class HoldStep {

    private static final Logger log = LoggerFactory.getLogger(HoldStep.class);

    private final JdbcTemplate jdbc;
    /** Holds and orders with commands per step ({@code spillway.processor.hold-batch}). */
    private final int batch;
    private final TransactionTemplate transactions;
    private final RetryTemplate conflictRetry;
    private final OutboxRelay relay;
    private final Topics topics;
    private final HoldsProperties holds;
    private final HoldMetrics metrics;
    private final Clock clock;
    private final Map<Thread, Integer[]> owned = new ConcurrentHashMap<>();
    /** Per consumer thread: the last step's events, sent and not yet settled. */
    private final ThreadLocal<OutboxRelay.Sent> inFlight = ThreadLocal.withInitial(() -> OutboxRelay.Sent.NONE);
    private final AtomicLong gaugesRead = new AtomicLong();
    /** Reads the gauges; one read at a time, the others wait (at most one every 5 s is asked for). */
    private final ExecutorService gauges =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("hold-gauges").daemon().factory());

    HoldStep(
            JdbcTemplate jdbc,
            PlatformTransactionManager transactionManager,
            ProcessorProperties settings,
            OutboxRelay relay,
            Topics topics,
            HoldsProperties holds,
            HoldMetrics metrics,
            Clock clock) {
        this.jdbc = jdbc;
        this.batch = settings.holdBatch();
        this.transactions = new TransactionTemplate(transactionManager);
        ProcessorProperties.Conflicts conflicts = settings.conflicts();
        this.conflictRetry = RetryTemplate.builder()
                .maxAttempts(conflicts.maxAttempts())
                .exponentialBackoff(
                        conflicts.initialBackoff().toMillis(),
                        conflicts.multiplier(),
                        conflicts.maxBackoff().toMillis(),
                        true)
                .retryOn(List.of(ConcurrentDecisionException.class, ConcurrencyFailureException.class))
                .traversingCauses()
                .build();
        this.relay = relay;
        this.topics = topics;
        this.holds = holds;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * What one step did.
     *
     * @param behind how long ago the newest deadline among the due holds it read passed: how late the holds
     *     still due after a full step are, at least; zero when it read none
     */
    public record Outcome(int ended, int commands, boolean full, Duration behind) {}

    /**
     * Ends what is due in these lines.
     *
     * @return whether the step was full: more may be due at once
     */
    public Outcome run(Collection<Integer> lines) {
        // The previous step's events, handed to the producer then: with the broker by now, as a rule (a
        // poll ran since), and their rows deleted. Refused, they stay and go out again just below.
        OutboxRelay.Sent previous = inFlight.get();
        inFlight.remove();
        relay.settle(previous);
        if (lines.isEmpty()) {
            owned.remove(Thread.currentThread());
            return new Outcome(0, 0, false, Duration.ZERO);
        }
        Integer[] mine = new TreeSet<>(lines).toArray(Integer[]::new);
        owned.put(Thread.currentThread(), mine);
        // A dead owner's (or a failed publication's) events go out before anything new is decided.
        relay.publish(relay.leftOver(mine, false, 0, batch));
        Step step = conflictRetry.execute(context -> transactions.execute(status -> decide(mine)));
        // Not waited for here: the acknowledgement of 2,000 events cost the thread 30-60 ms per step.
        inFlight.set(relay.send(step.outbox()));
        record(step.settlements());
        refreshGauges();
        return new Outcome(
                (int) step.settlements().stream().filter(s -> s.endsAs() != null).count(),
                step.settlements().stream().mapToInt(s -> s.payments().size() + s.cancels().size()).sum(),
                step.full(),
                step.newestDue() == null ? Duration.ZERO : Duration.between(step.newestDue(), clock.instant()));
    }

    private record Step(List<Settlement> settlements, List<OutboxRelay.Row> outbox, boolean full, Instant newestDue) {}

    private record Read(HoldLedger.Order order, int line, long version) {}

    private Step decide(Integer[] lines) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant cutoff = cutoff();
        Map<OrderId, Read> orders = new LinkedHashMap<>();
        Map<OrderId, List<Command>> pending = new HashMap<>();
        jdbc.query(
                """
                SELECT o.* FROM orders o
                 WHERE o.line = ANY (?::smallint[])
                   AND o.order_id IN (SELECT order_id FROM payments WHERE outcome IS NULL
                                      UNION SELECT order_id FROM cancels WHERE outcome IS NULL)
                 ORDER BY o.order_id LIMIT ?""",
                rs -> {
                    Read read = read(rs);
                    orders.put(read.order().orderId(), read);
                },
                lines, batch);
        boolean full = orders.size() == batch;
        if (!orders.isEmpty()) {
            String[] ids = orders.keySet().stream().map(OrderId::toString).toArray(String[]::new);
            jdbc.query(
                    """
                    SELECT order_id, received_seq, payment_ref, accepted_at FROM payments
                     WHERE outcome IS NULL AND order_id = ANY (?::uuid[])""",
                    rs -> {
                        pending.computeIfAbsent(new OrderId(rs.getObject("order_id", UUID.class)), id -> new ArrayList<>())
                                .add(new HoldLedger.Pay(rs.getLong("received_seq"), rs.getString("payment_ref"),
                                        instant(rs, "accepted_at")));
                    },
                    (Object) ids);
            jdbc.query(
                    """
                    SELECT order_id, received_seq, accepted_at FROM cancels
                     WHERE outcome IS NULL AND order_id = ANY (?::uuid[])""",
                    rs -> {
                        pending.computeIfAbsent(new OrderId(rs.getObject("order_id", UUID.class)), id -> new ArrayList<>())
                                .add(new HoldLedger.Cancel(rs.getLong("received_seq"), instant(rs, "accepted_at")));
                    },
                    (Object) ids);
        }
        Instant newestDue = null;
        if (cutoff != null) {
            int[] due = {0};
            Instant[] newest = {null};
            jdbc.query(
                    """
                    SELECT o.* FROM orders o
                     WHERE o.line = ANY (?::smallint[]) AND o.status = 'CONFIRMED'
                       AND o.hold_expires_at <= ?::timestamptz
                       AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.order_id AND p.outcome IS NULL)
                       AND NOT EXISTS (SELECT 1 FROM cancels c WHERE c.order_id = o.order_id AND c.outcome IS NULL)
                     ORDER BY o.hold_expires_at LIMIT ?""",
                    rs -> {
                        Read read = read(rs);
                        orders.putIfAbsent(read.order().orderId(), read);
                        due[0]++;
                        newest[0] = read.order().holdExpiresAt();
                    },
                    lines, cutoff.toString(), batch);
            full |= due[0] == batch;
            newestDue = newest[0];
        }
        List<Settlement> settlements = new ArrayList<>();
        Map<OrderId, Read> byId = new HashMap<>();
        for (Read read : orders.values()) {
            Settlement settlement = HoldLedger.settle(
                    read.order(), pending.getOrDefault(read.order().orderId(), List.of()), cutoff, now);
            if (settlement.changesAnything()) {
                settlements.add(settlement);
                byId.put(read.order().orderId(), read);
            }
        }
        if (settlements.isEmpty()) {
            return new Step(List.of(), List.of(), full, newestDue);
        }
        write(settlements, byId, now);
        List<Outbox.Entry> events = new ArrayList<>();
        for (Settlement settlement : settlements) {
            int line = byId.get(settlement.order().orderId()).line();
            settlement.events().forEach(event -> events.add(new Outbox.Entry(line, event.orderId(), event)));
        }
        return new Step(settlements, Outbox.insert(jdbc, events), full, newestDue);
    }

    /** The newest instant by which every command accepted is stored, or null when not known. */
    private Instant cutoff() {
        OffsetDateTime through = jdbc.queryForObject(
                "SELECT CASE WHEN count(*) >= ? THEN min(routed_through) END FROM command_watermarks",
                OffsetDateTime.class,
                topics.partitions());
        return through == null ? null : through.toInstant().minus(holds.paymentGrace());
    }

    private void write(List<Settlement> settlements, Map<OrderId, Read> reads, Instant now) {
        StatementPipeline writes = new StatementPipeline();
        // The UPDATEs below join a table to unnest(arrays). Planned for the arrays at hand (a custom plan) on
        // the statistics of a table that grew during the sale and was not analysed since, they hashed the
        // whole of orders and customer_holdings: 50-80 ms each per 2,000 holds. The generic plan, which
        // assumes a few rows from unnest, probes the primary keys whatever the statistics: 15-20 ms.
        writes.update("SET LOCAL plan_cache_mode = force_generic_plan", -1, "plan cache mode");
        List<Settlement> ending = settlements.stream()
                .filter(s -> s.endsAs() != null)
                .sorted(Comparator.comparing(s -> s.order().orderId().toString()))
                .toList();
        if (!ending.isEmpty()) {
            writes.update(
                    """
                    UPDATE orders o SET status = c.status, ended_at = c.ended_at, payment_ref = c.ref,
                           version = o.version + 1
                      FROM unnest(?::uuid[], ?::varchar[], ?::timestamptz[], ?::varchar[], ?::bigint[])
                           AS c (order_id, status, ended_at, ref, version)
                     WHERE o.order_id = c.order_id AND o.version = c.version AND o.status = 'CONFIRMED'""",
                    ending.size(),
                    "held orders",
                    ending.stream().map(s -> s.order().orderId().toString()).toArray(String[]::new),
                    ending.stream().map(s -> s.endsAs().name()).toArray(String[]::new),
                    ending.stream().map(s -> s.endedAt().toString()).toArray(String[]::new),
                    ending.stream().map(Settlement::paymentRef).toArray(String[]::new),
                    ending.stream().map(s -> reads.get(s.order().orderId()).version()).toArray(Long[]::new));
            writeItems(writes, ending);
            writeSeats(writes, ending);
            writeHoldings(writes, ending);
        }
        writeCommands(writes, settlements, now);
        writes.execute(jdbc);
    }

    private static void writeItems(StatementPipeline writes, List<Settlement> ending) {
        record Change(int back, int leftHeld) {}
        Map<String, Change> byItem = new TreeMap<>();
        for (Settlement s : ending) {
            String key = s.order().saleId().value() + "\u0000" + s.order().sku().value();
            Change was = byItem.getOrDefault(key, new Change(0, 0));
            byItem.put(key, new Change(was.back() + s.back(), was.leftHeld() + s.leftHeld()));
        }
        // Relative: exactly once because the guarded orders transition shares the transaction.
        writes.update(
                """
                UPDATE items i SET available = i.available + c.back, held = i.held - c.ended,
                       sold_out = i.sold_out AND c.back = 0, version = i.version + 1
                  FROM unnest(?::varchar[], ?::varchar[], ?::int[], ?::int[]) AS c (sale_id, sku, back, ended)
                 WHERE i.sale_id = c.sale_id AND i.sku = c.sku""",
                byItem.size(),
                "items",
                byItem.keySet().stream().map(k -> k.split("\u0000")[0]).toArray(String[]::new),
                byItem.keySet().stream().map(k -> k.split("\u0000")[1]).toArray(String[]::new),
                byItem.values().stream().map(Change::back).toArray(Integer[]::new),
                byItem.values().stream().map(Change::leftHeld).toArray(Integer[]::new));
    }

    private static void writeSeats(StatementPipeline writes, List<Settlement> ending) {
        record Given(String sale, String sku, String seat, String order) {}
        List<Given> seats = new ArrayList<>();
        for (Settlement s : ending) {
            if (s.back() > 0) {
                for (SeatId seat : s.order().seats()) {
                    seats.add(new Given(s.order().saleId().value(), s.order().sku().value(), seat.value(),
                            s.order().orderId().toString()));
                }
            }
        }
        if (seats.isEmpty()) {
            return;
        }
        seats.sort(Comparator.comparing(Given::sale).thenComparing(Given::sku).thenComparing(Given::seat));
        writes.update(
                """
                UPDATE seats s SET order_id = NULL, version = s.version + 1
                  FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::uuid[]) AS c (sale_id, sku, seat_id, order_id)
                 WHERE s.sale_id = c.sale_id AND s.sku = c.sku AND s.seat_id = c.seat_id AND s.order_id = c.order_id""",
                seats.size(),
                "seats",
                seats.stream().map(Given::sale).toArray(String[]::new),
                seats.stream().map(Given::sku).toArray(String[]::new),
                seats.stream().map(Given::seat).toArray(String[]::new),
                seats.stream().map(Given::order).toArray(String[]::new));
    }

    private static void writeHoldings(StatementPipeline writes, List<Settlement> ending) {
        Map<String, Integer> back = new TreeMap<>();
        for (Settlement s : ending) {
            if (s.back() > 0) {
                back.merge(s.order().saleId().value() + "\u0000" + s.order().customerId().value(), s.back(),
                        Integer::sum);
            }
        }
        if (back.isEmpty()) {
            return;
        }
        writes.update(
                """
                UPDATE customer_holdings h SET quantity = h.quantity - c.back, version = h.version + 1
                  FROM unnest(?::varchar[], ?::varchar[], ?::int[]) AS c (sale_id, customer_id, back)
                 WHERE h.sale_id = c.sale_id AND h.customer_id = c.customer_id""",
                back.size(),
                "holdings",
                back.keySet().stream().map(k -> k.split("\u0000")[0]).toArray(String[]::new),
                back.keySet().stream().map(k -> k.split("\u0000")[1]).toArray(String[]::new),
                back.values().toArray(Integer[]::new));
    }

    private static void writeCommands(StatementPipeline writes, List<Settlement> settlements, Instant now) {
        Map<String, PaymentOutcome> payments = new TreeMap<>();
        Map<String, Boolean> cancels = new TreeMap<>();
        for (Settlement s : settlements) {
            s.payments().forEach((pay, outcome) -> payments.put(pay.paymentRef(), outcome));
            s.cancels().forEach((cancel, done) -> cancels.put(s.order().orderId().toString(), done));
        }
        if (!payments.isEmpty()) {
            writes.update(
                    """
                    UPDATE payments p SET outcome = c.outcome, decided_at = ?::timestamptz
                      FROM unnest(?::varchar[], ?::varchar[]) AS c (payment_ref, outcome)
                     WHERE p.payment_ref = c.payment_ref AND p.outcome IS NULL""",
                    payments.size(),
                    "payments",
                    now.toString(),
                    payments.keySet().toArray(String[]::new),
                    payments.values().stream().map(Enum::name).toArray(String[]::new));
        }
        if (!cancels.isEmpty()) {
            writes.update(
                    """
                    UPDATE cancels k SET outcome = c.outcome, decided_at = ?::timestamptz
                      FROM unnest(?::uuid[], ?::varchar[]) AS c (order_id, outcome)
                     WHERE k.order_id = c.order_id AND k.outcome IS NULL""",
                    cancels.size(),
                    "cancels",
                    now.toString(),
                    cancels.keySet().toArray(String[]::new),
                    cancels.values().stream().map(done -> done ? "CANCELLED" : "IGNORED").toArray(String[]::new));
        }
    }

    private void record(List<Settlement> settlements) {
        Map<String, Integer> ended = new TreeMap<>();
        for (Settlement s : settlements) {
            if (s.endsAs() != null) {
                ended.merge(s.endsAs().name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
                switch (s.endsAs()) {
                    case PAID -> s.payments().entrySet().stream()
                            .filter(e -> e.getValue() == PaymentOutcome.PAID)
                            .forEach(e -> metrics.paid(s.order().decidedAt(), e.getKey().acceptedAt()));
                    case EXPIRED -> metrics.expired(s.order().holdExpiresAt(), s.endedAt());
                    default -> { }
                }
            }
            s.payments().values().stream()
                    .filter(outcome -> outcome != PaymentOutcome.PAID)
                    .forEach(outcome -> metrics.refused(outcome.name()));
            for (int i = 0; i < s.graceBreaches(); i++) {
                metrics.graceBreached();
                log.error("a payment of order {} accepted by its deadline reached the processor after the hold expired:"
                        + " the payment grace is too short for the door's send timeout or the intake's lag",
                        s.order().orderId());
            }
        }
        ended.forEach(metrics::ended);
    }

    /**
     * The gauges over every line this instance owns, at most every 5 s, read on a thread of their own:
     * counting the open holds of a line with 200,000 of them took 40 ms, 6 % of the listener thread
     * during a mass expiry when it ran there.
     */
    private void refreshGauges() {
        long now = System.nanoTime();
        long last = gaugesRead.get();
        if (last != 0 && now - last < Duration.ofSeconds(5).toNanos() || !gaugesRead.compareAndSet(last, now)) {
            return;
        }
        gauges.execute(() -> {
            try {
                readGauges();
            } catch (RuntimeException e) {
                log.debug("cannot read the holds gauges; keeping the last values", e);
            }
        });
    }

    private void readGauges() {
        Integer[] lines = owned.values().stream().flatMap(Arrays::stream).distinct().toArray(Integer[]::new);
        Map<String, Object> row = jdbc.queryForMap(
                """
                SELECT (SELECT count(*) FROM orders WHERE line = ANY (?::smallint[]) AND status = 'CONFIRMED'
                           AND hold_expires_at IS NOT NULL) AS open,
                       (SELECT min(hold_expires_at) FROM orders WHERE line = ANY (?::smallint[])
                           AND status = 'CONFIRMED' AND hold_expires_at IS NOT NULL) AS oldest,
                       (SELECT min(routed_through) FROM command_watermarks) AS watermark,
                       (SELECT count(*) FROM results_outbox) AS outbox""",
                lines, lines);
        Instant wall = clock.instant();
        metrics.lines(
                ((Number) row.get("open")).longValue(),
                row.get("oldest") == null ? null : Duration.between(toInstant(row.get("oldest")), wall),
                row.get("watermark") == null ? null : Duration.between(toInstant(row.get("watermark")), wall),
                ((Number) row.get("outbox")).longValue());
    }

    private static Instant toInstant(Object timestamp) {
        return timestamp instanceof java.sql.Timestamp ts ? ts.toInstant() : ((OffsetDateTime) timestamp).toInstant();
    }

    @PreDestroy
    void close() {
        gauges.shutdownNow();
    }

    /** The lines this thread owned at its last step, forgotten when it owns none. */
    public void forget() {
        owned.remove(Thread.currentThread());
    }

    private static Read read(ResultSet rs) throws SQLException {
        String[] seats = rs.getArray("seats") == null ? new String[0] : (String[]) rs.getArray("seats").getArray();
        OffsetDateTime expires = rs.getObject("hold_expires_at", OffsetDateTime.class);
        OffsetDateTime decided = rs.getObject("decided_at", OffsetDateTime.class);
        String sale = rs.getString("sale_id");
        HoldLedger.Order order = new HoldLedger.Order(
                new OrderId(rs.getObject("order_id", UUID.class)),
                HoldLedger.Status.valueOf(rs.getString("status")),
                sale == null ? null : CustomerId.of(rs.getString("customer_id")),
                sale == null ? null : SaleId.of(sale),
                sale == null ? null : Sku.of(rs.getString("sku")),
                rs.getInt("quantity"),
                Arrays.stream(seats).map(SeatId::of).toList(),
                decided == null ? null : decided.toInstant(),
                expires == null ? null : expires.toInstant());
        return new Read(order, rs.getInt("line"), rs.getLong("version"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
