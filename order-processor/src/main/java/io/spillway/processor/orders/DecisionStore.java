package io.spillway.processor.orders;

import io.spillway.contract.CustomerId;
import io.spillway.contract.ItemKey;
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
import io.spillway.processor.orders.ItemSnapshot.Versioned;
import io.spillway.processor.reservation.ItemKind;
import io.spillway.processor.reservation.ItemLedger;
import io.spillway.processor.reservation.ItemState;
import io.spillway.processor.reservation.SaleTerms;
import io.spillway.processor.reservation.Seat;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.stereotype.Repository;

/**
 * Reads and writes one item's state for {@link ItemBatchDecider}, inside the caller's transaction.
 *
 * <p>Plain JDBC on purpose: a batch of hundreds of orders for one item costs one conditional
 * {@code UPDATE} of the item, one batched statement per table, and no entity state to keep in step.
 * Every write is guarded by the version read (or, for new rows, by the primary key); a write that
 * matches fewer rows than expected throws {@link ConcurrentDecisionException}.
 */
@Repository
class DecisionStore {

    private final JdbcTemplate jdbc;

    DecisionStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    ItemSnapshot load(ItemKey key, List<OrderRequested> requests) {
        String saleId = key.saleId().value();
        String sku = key.sku().value();
        SaleTerms sale = jdbc.query(
                        "SELECT opens_at, per_customer_limit FROM sales WHERE sale_id = ?",
                        (rs, row) -> new SaleTerms(instant(rs, "opens_at"), rs.getInt("per_customer_limit")),
                        saleId)
                .stream()
                .findFirst()
                .orElse(null);
        record ItemRow(ItemState state, long version) {}
        ItemRow item = jdbc.query(
                        "SELECT kind, available, sold_out, version FROM items WHERE sale_id = ? AND sku = ?",
                        (rs, row) -> new ItemRow(
                                new ItemState(
                                        ItemKind.valueOf(rs.getString("kind")),
                                        rs.getInt("available"),
                                        rs.getBoolean("sold_out")),
                                rs.getLong("version")),
                        saleId,
                        sku)
                .stream()
                .findFirst()
                .orElse(null);

        Map<SeatId, Versioned<Seat>> seats = new LinkedHashMap<>();
        if (item != null && item.state().kind() == ItemKind.SEATED) {
            // Free seats and the seats the batch names are all the ledger needs; sold seats stay unread.
            String[] named = requests.stream()
                    .flatMap(request -> request.seatIds().stream())
                    .map(SeatId::value)
                    .distinct()
                    .toArray(String[]::new);
            jdbc.query(
                    """
                    SELECT seat_id, ordinal, order_id, version FROM seats
                     WHERE sale_id = ? AND sku = ? AND (order_id IS NULL OR seat_id = ANY (?))
                     ORDER BY ordinal""",
                    (ResultSet rs) -> {
                        SeatId id = SeatId.of(rs.getString("seat_id"));
                        UUID holder = rs.getObject("order_id", UUID.class);
                        seats.put(id, new Versioned<>(
                                new Seat(id, rs.getInt("ordinal"), holder == null ? null : new OrderId(holder)),
                                rs.getLong("version")));
                    },
                    saleId,
                    sku,
                    named);
        }

        Map<CustomerId, Versioned<Integer>> holdings = new LinkedHashMap<>();
        if (sale != null) {
            String[] customers = requests.stream()
                    .map(request -> request.customerId().value())
                    .distinct()
                    .toArray(String[]::new);
            jdbc.query(
                    "SELECT customer_id, quantity, version FROM customer_holdings WHERE sale_id = ? AND customer_id = ANY (?)",
                    (ResultSet rs) -> {
                        holdings.put(
                                CustomerId.of(rs.getString("customer_id")),
                                new Versioned<>(rs.getInt("quantity"), rs.getLong("version")));
                    },
                    saleId,
                    customers);
        }

        String[] orderIds = requests.stream()
                .map(request -> request.orderId().toString())
                .distinct()
                .toArray(String[]::new);
        List<OrderDecision> earlier = jdbc.query(
                """
                SELECT order_id, customer_id, sale_id, sku, quantity, seats, status, reason, requested_at, decided_at
                  FROM orders WHERE order_id = ANY (?::uuid[])""",
                (rs, row) -> decision(rs),
                (Object) orderIds);

        return new ItemSnapshot(
                key, sale, item == null ? null : item.state(), item == null ? 0 : item.version(), seats, holdings, earlier);
    }

    /** Writes what the ledger decided; rows are touched in a fixed order so that processors do not deadlock. */
    void write(ItemSnapshot snapshot, ItemLedger ledger) {
        String saleId = snapshot.key().saleId().value();
        String sku = snapshot.key().sku().value();

        if (ledger.itemChanged()) {
            ItemState state = ledger.state();
            int updated = jdbc.update(
                    "UPDATE items SET available = ?, sold_out = ?, version = version + 1"
                            + " WHERE sale_id = ? AND sku = ? AND version = ?",
                    state.available(),
                    state.soldOut(),
                    saleId,
                    sku,
                    snapshot.itemVersion());
            expect(updated, 1, "item " + snapshot.key());
        }

        List<Object[]> seatUpdates = new ArrayList<>();
        new TreeMap<>(ledger.seatsTaken()).forEach((seat, order) -> seatUpdates.add(new Object[] {
            order.value(), saleId, sku, seat.value(), snapshot.seats().get(seat).version()
        }));
        expectEach(
                batch(
                        "UPDATE seats SET order_id = ?, version = version + 1"
                                + " WHERE sale_id = ? AND sku = ? AND seat_id = ? AND version = ? AND order_id IS NULL",
                        seatUpdates),
                "seats of " + snapshot.key());

        List<Object[]> holdingInserts = new ArrayList<>();
        List<Object[]> holdingUpdates = new ArrayList<>();
        ledger.holdingsChanged().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(CustomerId::value)))
                .forEach(change -> {
                    Versioned<Integer> read = snapshot.holdings().get(change.getKey());
                    if (read == null) {
                        holdingInserts.add(new Object[] {saleId, change.getKey().value(), change.getValue()});
                    } else {
                        holdingUpdates.add(
                                new Object[] {change.getValue(), saleId, change.getKey().value(), read.version()});
                    }
                });
        expectEach(
                batch(
                        "UPDATE customer_holdings SET quantity = ?, version = version + 1"
                                + " WHERE sale_id = ? AND customer_id = ? AND version = ?",
                        holdingUpdates),
                "holdings in " + saleId);
        // A buyer's first order in the sale: a row another processor inserted meanwhile is a conflict.
        // One statement for all of them (the driver reports no per-row counts for rewritten batches).
        if (!holdingInserts.isEmpty()) {
            int inserted = jdbc.update(
                    "INSERT INTO customer_holdings (sale_id, customer_id, quantity, version)"
                            + " SELECT ?, customer, quantity, 0 FROM unnest(?::varchar[], ?::int[]) AS h (customer, quantity)"
                            + " ON CONFLICT DO NOTHING",
                    saleId,
                    holdingInserts.stream().map(row -> (String) row[1]).toArray(String[]::new),
                    holdingInserts.stream().map(row -> (Integer) row[2]).toArray(Integer[]::new));
            expect(inserted, holdingInserts.size(), "new holdings in " + saleId);
        }

        List<Object[]> orders = ledger.newDecisions().stream().map(DecisionStore::orderRow).toList();
        // A unique violation here (another processor recorded the same order first) surfaces as
        // DuplicateKeyException and is retried like any other conflict.
        batch(
                "INSERT INTO orders (order_id, customer_id, sale_id, sku, quantity, seats, status, reason,"
                        + " requested_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                orders);
    }

    private static Object[] orderRow(OrderDecision decision) {
        List<SeatId> seats;
        String status;
        String reason;
        switch (decision) {
            case OrderConfirmed confirmed -> {
                seats = confirmed.seats();
                status = "CONFIRMED";
                reason = null;
            }
            // The requested seats are kept so that a replay publishes the same rejection.
            case OrderRejected rejected -> {
                seats = rejected.seatIds();
                status = "REJECTED";
                reason = rejected.reason().name();
            }
        }
        return new Object[] {
            decision.orderId().value(),
            decision.customerId().value(),
            decision.saleId().value(),
            decision.sku().value(),
            decision.quantity(),
            seats.stream().map(SeatId::value).toArray(String[]::new),
            status,
            new SqlParameterValue(Types.VARCHAR, reason),
            timestamp(decision.requestedAt()),
            timestamp(decision.decidedAt())
        };
    }

    private int[] batch(String sql, List<Object[]> rows) {
        return rows.isEmpty() ? new int[0] : jdbc.batchUpdate(sql, rows);
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
        if ("CONFIRMED".equals(rs.getString("status"))) {
            return new OrderConfirmed(
                    OrderEvent.SCHEMA_VERSION, orderId, customer, sale, sku, quantity, seats, requestedAt, decidedAt);
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

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static void expect(int actual, int expected, String what) {
        if (actual != expected) {
            throw new ConcurrentDecisionException(
                    what + " changed meanwhile: " + actual + " rows written instead of " + expected);
        }
    }

    private static void expectEach(int[] counts, String what) {
        for (int count : counts) {
            expect(count, 1, what);
        }
    }
}
