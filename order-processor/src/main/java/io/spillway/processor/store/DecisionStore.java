package io.spillway.processor.store;

import io.spillway.contract.CustomerId;
import io.spillway.contract.ItemKey;
import io.spillway.contract.ItemKind;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.processor.reservation.Holding;
import io.spillway.processor.reservation.ItemLedger;
import io.spillway.processor.reservation.ItemState;
import io.spillway.processor.reservation.SaleDecisions;
import io.spillway.processor.reservation.SaleTerms;
import io.spillway.processor.reservation.Seat;
import io.spillway.processor.store.PollSnapshot.Versioned;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Reads and writes the state of every item of one poll for {@link PollDecider}, inside the caller's
 * transaction.
 *
 * <p>Set-based on purpose: whatever the number of items and orders in the poll, a poll costs one
 * query per table to read (keys passed as arrays) and one statement per table to write (rows passed as
 * arrays and expanded with {@code unnest}): one conditional {@code UPDATE} for all changed items, one
 * for the seats taken, one for the raised holdings, one insert for new holdings and one for the order
 * rows. The reads go in one round trip and the writes in another ({@link StatementPipeline}), so a
 * poll's transaction is three round trips with its commit, however many items and orders it holds.
 *
 * <p>Every write is guarded by the version read (or, for new rows, by the primary key); a write that
 * matches fewer rows than expected throws {@link ConcurrentDecisionException}. Rows are passed sorted
 * by key, so that two processors overlapping in a rebalance tend to lock in the same order; a deadlock
 * that happens anyway is a {@code ConcurrencyFailureException} and retried like a conflict.
 */
@Repository
class DecisionStore {

    private static final Comparator<ItemKey> ITEM_ORDER =
            Comparator.comparing((ItemKey key) -> key.saleId().value()).thenComparing(key -> key.sku().value());

    private static final Comparator<Holding> HOLDING_ORDER =
            Comparator.comparing((Holding holding) -> holding.sale().value())
                    .thenComparing(holding -> holding.customer().value());

    private final JdbcTemplate jdbc;

    DecisionStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** For the opening's statements in the same transaction. */
    JdbcTemplate jdbc() {
        return jdbc;
    }

    PollSnapshot load(Map<ItemKey, List<OrderRequested>> byItem) {
        String[] saleIds = byItem.keySet().stream().map(key -> key.saleId().value()).distinct().toArray(String[]::new);
        String[] itemSales = byItem.keySet().stream().map(key -> key.saleId().value()).toArray(String[]::new);
        String[] itemSkus = byItem.keySet().stream().map(key -> key.sku().value()).toArray(String[]::new);
        String[] named = byItem.values().stream()
                .flatMap(List::stream)
                .flatMap(request -> request.seatIds().stream())
                .map(SeatId::value)
                .distinct()
                .toArray(String[]::new);
        Set<Holding> buyers = new LinkedHashSet<>();
        byItem.forEach((key, requests) -> requests.forEach(
                request -> buyers.add(new Holding(key.saleId(), request.customerId()))));
        String[] orderIds = byItem.values().stream()
                .flatMap(List::stream)
                .map(request -> request.orderId().toString())
                .distinct()
                .toArray(String[]::new);

        Map<SaleId, SaleTerms> sales = new HashMap<>();
        Map<ItemKey, Versioned<ItemState>> items = new HashMap<>();
        Map<ItemKey, Map<SeatId, Versioned<Seat>>> seats = new HashMap<>();
        Map<Holding, Versioned<Integer>> holdings = new HashMap<>();
        Map<OrderId, OrderDecision> earlier = new HashMap<>();
        Map<OrderId, Instant> cancelledQueued = new HashMap<>();
        new StatementPipeline()
                .query(
                        """
                        SELECT sale_id, opens_at, per_customer_limit, hold_seconds, prequeue_opens_at, closed_at
                          FROM sales WHERE sale_id = ANY (?::varchar[])""",
                        rs -> sales.put(
                                SaleId.of(rs.getString("sale_id")),
                                new SaleTerms(
                                        instant(rs, "opens_at"),
                                        rs.getInt("per_customer_limit"),
                                        rs.getInt("hold_seconds"),
                                        rs.getObject("prequeue_opens_at") == null ? null : instant(rs, "prequeue_opens_at"),
                                        rs.getObject("closed_at") == null ? null : instant(rs, "closed_at"))),
                        (Object) saleIds)
                .query(
                        """
                        SELECT i.sale_id, i.sku, i.kind, i.available, i.sold_out, i.version
                          FROM items i JOIN unnest(?::varchar[], ?::varchar[]) AS k (sale_id, sku)
                               ON i.sale_id = k.sale_id AND i.sku = k.sku""",
                        rs -> items.put(
                                new ItemKey(SaleId.of(rs.getString("sale_id")), Sku.of(rs.getString("sku"))),
                                new Versioned<>(
                                        new ItemState(
                                                ItemKind.valueOf(rs.getString("kind")),
                                                rs.getInt("available"),
                                                rs.getBoolean("sold_out")),
                                        rs.getLong("version"))),
                        itemSales,
                        itemSkus)
                // Free seats and the seats the poll names are all the ledgers need; sold seats stay unread.
                // A stock item has no seat rows, so asking for its seats costs an empty index scan.
                .query(
                        """
                        SELECT s.sale_id, s.sku, s.seat_id, s.ordinal, s.order_id, s.version
                          FROM seats s JOIN unnest(?::varchar[], ?::varchar[]) AS k (sale_id, sku)
                               ON s.sale_id = k.sale_id AND s.sku = k.sku
                         WHERE s.order_id IS NULL OR s.seat_id = ANY (?::varchar[])
                         ORDER BY s.sale_id, s.sku, s.ordinal""",
                        rs -> {
                            ItemKey key = new ItemKey(SaleId.of(rs.getString("sale_id")), Sku.of(rs.getString("sku")));
                            SeatId id = SeatId.of(rs.getString("seat_id"));
                            UUID holder = rs.getObject("order_id", UUID.class);
                            seats.computeIfAbsent(key, k -> new LinkedHashMap<>())
                                    .put(id, new Versioned<>(
                                            new Seat(id, rs.getInt("ordinal"), holder == null ? null : new OrderId(holder)),
                                            rs.getLong("version")));
                        },
                        itemSales,
                        itemSkus,
                        named)
                .query(
                        """
                        SELECT h.sale_id, h.customer_id, h.quantity, h.version
                          FROM customer_holdings h JOIN unnest(?::varchar[], ?::varchar[]) AS k (sale_id, customer_id)
                               ON h.sale_id = k.sale_id AND h.customer_id = k.customer_id""",
                        rs -> holdings.put(
                                new Holding(SaleId.of(rs.getString("sale_id")), CustomerId.of(rs.getString("customer_id"))),
                                new Versioned<>(rs.getInt("quantity"), rs.getLong("version"))),
                        buyers.stream().map(buyer -> buyer.sale().value()).toArray(String[]::new),
                        buyers.stream().map(buyer -> buyer.customer().value()).toArray(String[]::new))
                .query(
                        """
                        SELECT order_id, customer_id, sale_id, sku, quantity, seats, status, reason, requested_at, decided_at,
                               hold_expires_at, ended_at
                          FROM orders WHERE order_id = ANY (?::uuid[])""",
                        rs -> {
                            // Cancelled while queued (by the command intake): an earlier answer that took nothing.
                            if ("CANCELLED".equals(rs.getString("status")) && rs.getObject("hold_expires_at") == null) {
                                cancelledQueued.put(
                                        new OrderId(rs.getObject("order_id", UUID.class)), instant(rs, "ended_at"));
                                return;
                            }
                            OrderDecision decision = decision(rs);
                            earlier.put(decision.orderId(), decision);
                        },
                        (Object) orderIds)
                .execute(jdbc);
        return new PollSnapshot(sales, items, seats, holdings, earlier, cancelledQueued);
    }

    /** Writes what the poll's ledgers decided, with no line and no cancelled order to complete. */
    void write(PollSnapshot snapshot, SaleDecisions decisions) {
        write(snapshot, decisions, Map.of(), List.of());
    }

    /**
     * Writes what the poll's ledgers decided: one statement per table, all in one round trip.
     *
     * @param lines the partition of {@code orders.requested} each item's orders came from (the line that
     *     owns their holds); an item without one leaves {@code line} null
     * @param cancelledQueued orders the intake cancelled before they arrived: their rows get the
     *     order's fields, once
     */
    void write(
            PollSnapshot snapshot,
            SaleDecisions decisions,
            Map<ItemKey, Integer> lines,
            List<OrderRequested> cancelledQueued) {
        StatementPipeline writes = new StatementPipeline();
        writeItems(writes, snapshot, decisions.ledgers());
        writeSeats(writes, snapshot, decisions.ledgers());
        writeHoldings(writes, snapshot, decisions.holdings());
        writeOrders(writes, decisions.fresh(), lines);
        completeCancelled(writes, cancelledQueued, lines);
        writes.execute(jdbc);
    }

    /** The intake's early CANCELLED row knew only the order id; the order, now read, fills it in once. */
    private static void completeCancelled(
            StatementPipeline writes, List<OrderRequested> cancelled, Map<ItemKey, Integer> lines) {
        List<OrderRequested> sorted = cancelled.stream()
                .collect(Collectors.toMap(r -> r.orderId().toString(), r -> r, (a, b) -> a, TreeMap::new))
                .values().stream().toList();
        if (sorted.isEmpty()) {
            return;
        }
        // No row count: a redelivery finds the row filled in already and changes nothing.
        writes.update(
                """
                UPDATE orders o SET customer_id = c.customer_id, sale_id = c.sale_id, sku = c.sku,
                       quantity = c.quantity, requested_at = c.requested_at, line = c.line
                  FROM unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::varchar[], ?::int[], ?::timestamptz[], ?::smallint[])
                       AS c (order_id, customer_id, sale_id, sku, quantity, requested_at, line)
                 WHERE o.order_id = c.order_id AND o.sale_id IS NULL""",
                -1,
                "cancelled orders",
                sorted.stream().map(r -> r.orderId().toString()).toArray(String[]::new),
                sorted.stream().map(r -> r.customerId().value()).toArray(String[]::new),
                sorted.stream().map(r -> r.saleId().value()).toArray(String[]::new),
                sorted.stream().map(r -> r.sku().value()).toArray(String[]::new),
                sorted.stream().map(OrderRequested::quantity).toArray(Integer[]::new),
                sorted.stream().map(r -> r.requestedAt().toString()).toArray(String[]::new),
                sorted.stream().map(r -> lines.get(r.itemKey())).toArray(Integer[]::new));
    }

    private static void writeItems(StatementPipeline writes, PollSnapshot snapshot, Map<ItemKey, ItemLedger> ledgers) {
        List<Map.Entry<ItemKey, ItemLedger>> changed = ledgers.entrySet().stream()
                .filter(entry -> entry.getValue().itemChanged())
                .sorted(Map.Entry.comparingByKey(ITEM_ORDER))
                .toList();
        if (changed.isEmpty()) {
            return;
        }
        writes.update(
                """
                UPDATE items i SET available = c.available, held = i.held + c.held, sold_out = c.sold_out,
                       version = i.version + 1
                  FROM unnest(?::varchar[], ?::varchar[], ?::int[], ?::int[], ?::boolean[], ?::bigint[])
                       AS c (sale_id, sku, available, held, sold_out, version)
                 WHERE i.sale_id = c.sale_id AND i.sku = c.sku AND i.version = c.version""",
                changed.size(),
                "items",
                changed.stream().map(e -> e.getKey().saleId().value()).toArray(String[]::new),
                changed.stream().map(e -> e.getKey().sku().value()).toArray(String[]::new),
                changed.stream().map(e -> e.getValue().state().available()).toArray(Integer[]::new),
                changed.stream().map(e -> e.getValue().heldAdded()).toArray(Integer[]::new),
                changed.stream().map(e -> e.getValue().state().soldOut()).toArray(Boolean[]::new),
                changed.stream().map(e -> snapshot.items().get(e.getKey()).version()).toArray(Long[]::new));
    }

    private static void writeSeats(StatementPipeline writes, PollSnapshot snapshot, Map<ItemKey, ItemLedger> ledgers) {
        record Taken(ItemKey item, SeatId seat, OrderId order, long version) {}
        List<Taken> taken = new ArrayList<>();
        ledgers.entrySet().stream().sorted(Map.Entry.comparingByKey(ITEM_ORDER)).forEach(entry -> new TreeMap<>(
                        entry.getValue().seatsTaken())
                .forEach((seat, order) -> taken.add(new Taken(
                        entry.getKey(),
                        seat,
                        order,
                        snapshot.seats().get(entry.getKey()).get(seat).version()))));
        if (taken.isEmpty()) {
            return;
        }
        writes.update(
                """
                UPDATE seats s SET order_id = c.order_id, version = s.version + 1
                  FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::uuid[], ?::bigint[])
                       AS c (sale_id, sku, seat_id, order_id, version)
                 WHERE s.sale_id = c.sale_id AND s.sku = c.sku AND s.seat_id = c.seat_id
                   AND s.version = c.version AND s.order_id IS NULL""",
                taken.size(),
                "seats",
                taken.stream().map(t -> t.item().saleId().value()).toArray(String[]::new),
                taken.stream().map(t -> t.item().sku().value()).toArray(String[]::new),
                taken.stream().map(t -> t.seat().value()).toArray(String[]::new),
                taken.stream().map(t -> t.order().toString()).toArray(String[]::new),
                taken.stream().map(Taken::version).toArray(Long[]::new));
    }

    private static void writeHoldings(StatementPipeline writes, PollSnapshot snapshot, Map<Holding, Integer> changed) {
        List<Map.Entry<Holding, Integer>> sorted =
                changed.entrySet().stream().sorted(Map.Entry.comparingByKey(HOLDING_ORDER)).toList();
        List<Map.Entry<Holding, Integer>> raised = sorted.stream()
                .filter(entry -> snapshot.holdings().containsKey(entry.getKey()))
                .toList();
        List<Map.Entry<Holding, Integer>> first = sorted.stream()
                .filter(entry -> !snapshot.holdings().containsKey(entry.getKey()))
                .toList();
        if (!raised.isEmpty()) {
            writes.update(
                    """
                    UPDATE customer_holdings h SET quantity = c.quantity, version = h.version + 1
                      FROM unnest(?::varchar[], ?::varchar[], ?::int[], ?::bigint[])
                           AS c (sale_id, customer_id, quantity, version)
                     WHERE h.sale_id = c.sale_id AND h.customer_id = c.customer_id AND h.version = c.version""",
                    raised.size(),
                    "holdings",
                    raised.stream().map(e -> e.getKey().sale().value()).toArray(String[]::new),
                    raised.stream().map(e -> e.getKey().customer().value()).toArray(String[]::new),
                    raised.stream().map(Map.Entry::getValue).toArray(Integer[]::new),
                    raised.stream().map(e -> snapshot.holdings().get(e.getKey()).version()).toArray(Long[]::new));
        }
        // A buyer's first order in the sale: a row another processor inserted meanwhile is a conflict.
        if (!first.isEmpty()) {
            writes.update(
                    """
                    INSERT INTO customer_holdings (sale_id, customer_id, quantity, version)
                    SELECT c.sale_id, c.customer_id, c.quantity, 0
                      FROM unnest(?::varchar[], ?::varchar[], ?::int[]) AS c (sale_id, customer_id, quantity)
                    ON CONFLICT DO NOTHING""",
                    first.size(),
                    "new holdings",
                    first.stream().map(e -> e.getKey().sale().value()).toArray(String[]::new),
                    first.stream().map(e -> e.getKey().customer().value()).toArray(String[]::new),
                    first.stream().map(Map.Entry::getValue).toArray(Integer[]::new));
        }
    }

    private static void writeOrders(StatementPipeline writes, List<OrderDecision> fresh, Map<ItemKey, Integer> lines) {
        if (fresh.isEmpty()) {
            return;
        }
        int size = fresh.size();
        String[] orderIds = new String[size];
        String[] customers = new String[size];
        String[] sales = new String[size];
        String[] skus = new String[size];
        Integer[] quantities = new Integer[size];
        String[] seats = new String[size];
        String[] statuses = new String[size];
        String[] reasons = new String[size];
        String[] requestedAt = new String[size];
        String[] decidedAt = new String[size];
        Integer[] orderLines = new Integer[size];
        String[] holdExpiresAt = new String[size];
        for (int i = 0; i < size; i++) {
            OrderDecision decision = fresh.get(i);
            List<SeatId> seatIds;
            switch (decision) {
                case OrderConfirmed confirmed -> {
                    seatIds = confirmed.seats();
                    statuses[i] = "CONFIRMED";
                    holdExpiresAt[i] = confirmed.held() ? confirmed.holdExpiresAt().toString() : null;
                }
                // The requested seats are kept so that a replay publishes the same rejection.
                case OrderRejected rejected -> {
                    seatIds = rejected.seatIds();
                    statuses[i] = "REJECTED";
                    reasons[i] = rejected.reason().name();
                }
            }
            orderIds[i] = decision.orderId().toString();
            customers[i] = decision.customerId().value();
            sales[i] = decision.saleId().value();
            skus[i] = decision.sku().value();
            quantities[i] = decision.quantity();
            // Seat ids are [A-Za-z0-9._-]: a comma cannot occur in one (and a 2-D array cannot be unnested by row).
            seats[i] = seatIds.stream().map(SeatId::value).collect(Collectors.joining(","));
            // ISO-8601 instants with microseconds at most (the decider truncated them): read back equal.
            requestedAt[i] = decision.requestedAt().toString();
            decidedAt[i] = decision.decidedAt().toString();
            orderLines[i] = lines.get(new ItemKey(decision.saleId(), decision.sku()));
        }
        // A unique violation here (another processor recorded the same order first) surfaces as
        // DuplicateKeyException and is retried like any other conflict.
        writes.update(
                """
                INSERT INTO orders (order_id, customer_id, sale_id, sku, quantity, seats, status, reason,
                                    requested_at, decided_at, line, hold_expires_at)
                SELECT o.order_id, o.customer_id, o.sale_id, o.sku, o.quantity, string_to_array(o.seats, ','),
                       o.status, o.reason, o.requested_at, o.decided_at, o.line, o.hold_expires_at
                  FROM unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::varchar[], ?::int[], ?::text[],
                              ?::varchar[], ?::varchar[], ?::timestamptz[], ?::timestamptz[], ?::smallint[],
                              ?::timestamptz[])
                       AS o (order_id, customer_id, sale_id, sku, quantity, seats, status, reason,
                             requested_at, decided_at, line, hold_expires_at)""",
                size,
                "orders",
                orderIds, customers, sales, skus, quantities, seats, statuses, reasons, requestedAt, decidedAt,
                orderLines, holdExpiresAt);
    }

    private static OrderDecision decision(ResultSet rs) throws SQLException {
        OrderId orderId = new OrderId(rs.getObject("order_id", UUID.class));
        CustomerId customer = CustomerId.of(rs.getString("customer_id"));
        SaleId sale = SaleId.of(rs.getString("sale_id"));
        Sku sku = Sku.of(rs.getString("sku"));
        int quantity = rs.getInt("quantity");
        Array array = rs.getArray("seats");
        List<SeatId> seats = Arrays.stream((String[]) array.getArray()).map(SeatId::of).toList();
        Instant requestedAt = instant(rs, "requested_at");
        Instant decidedAt = instant(rs, "decided_at");
        // A held order is replayed as it was confirmed, whatever became of its hold since.
        if (!"REJECTED".equals(rs.getString("status"))) {
            OffsetDateTime holdExpiresAt = rs.getObject("hold_expires_at", OffsetDateTime.class);
            return new OrderConfirmed(OrderEvent.SCHEMA_VERSION, orderId, customer, sale, sku, quantity, seats,
                    requestedAt, decidedAt, holdExpiresAt == null ? null : holdExpiresAt.toInstant());
        }
        return new OrderRejected(
                OrderEvent.SCHEMA_VERSION,
                orderId,
                customer,
                sale,
                sku,
                quantity,
                seats,
                RejectionReason.valueOf(rs.getString("reason")),
                requestedAt,
                decidedAt);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
