package io.spillway.inventory.sales;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.inventory.audit.AuditLog;
import io.spillway.inventory.sales.rules.ItemAdditionRules;
import io.spillway.inventory.sales.rules.ItemAdditionRules.Addition;
import io.spillway.inventory.sales.rules.ItemAdditionRules.Seats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Adds stock or seats to an item of a sale (CONTRACT.md, "Running a sale": "orders decided after the
 * change may take it"). One transaction: lock the item's row, check the addition against it, grow
 * {@code total} and {@code available} by the units added and clear {@code sold_out}, insert a seated
 * item's new seats after its last ordinal, record the addition in {@code item_additions} and write the
 * audit entry.
 *
 * <p>Why here and not by the processor between its polls: the item row is what the line's decisions
 * serialise on. This update is relative and takes the row's lock, so a poll that already wrote the
 * row is kept (the addition waits for its commit and adds to what it left); a poll that read the row
 * before and writes after fails its version check and is decided again from the new state. Either
 * way the addition sits at one definite point of the item's line, between two of its polls: every
 * order decided in a transaction committed before it sees the old item, every later one the new.
 * There is no second step that could be lost or repeated (a crash rolls everything back), and the
 * other services need no change to take part. The catalogue relay publishes the new availability on
 * its next poll, which reopens the door's sold-out fast path.
 *
 * <p>Idempotent on request: with an {@code Idempotency-Key}, a retry of the same addition to the
 * same item adds nothing again (the key is checked under the item's lock); the same key with
 * another body is refused. Without one, two requests add twice, as asked.
 *
 * <p>Limits: a sale's sold-out items are open again to every order decided after the addition, so
 * first come, first served (guarantee 4) holds within each stretch of the line between additions, as
 * with returned holds (docs/contract-readings.md). Adding to a closed sale is refused: nothing it
 * adds could be sold.
 */
@Service
class ItemAdditions {

    private static final String INSERT_SEAT = "INSERT INTO seats (sale_id, sku, seat_id, ordinal) VALUES (?, ?, ?, ?)";
    private static final int SEAT_BATCH = 1_000;

    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final ObjectMapper json;

    ItemAdditions(JdbcTemplate jdbc, AuditLog audit, ObjectMapper json) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.json = json;
    }

    /** What became of an addition. Only {@link Added} and {@link Repeated} changed (or had changed) anything. */
    sealed interface Outcome {}

    record Added(int total, int available) implements Outcome {}

    /** The same key and body came before: that addition stands, nothing is added again. */
    record Repeated() implements Outcome {}

    record UnknownSale() implements Outcome {}

    record UnknownItem() implements Outcome {}

    record Closed() implements Outcome {}

    record WrongKind(ItemKind kind) implements Outcome {}

    record TooLarge(int total, int largest) implements Outcome {}

    record SeatsExist(List<String> seats) implements Outcome {}

    record KeyReused() implements Outcome {}

    private record ItemRow(ItemKind kind, int total, int available, int held, boolean soldOut) {}

    @Transactional
    Outcome add(SaleId saleId, Sku sku, Addition addition, ItemAdditionRules.Request request, String idempotencyKey) {
        // FOR SHARE: a close committed before is seen here; one that comes later waits for this commit.
        List<Boolean> closed = jdbc.query("SELECT closed_at IS NOT NULL FROM sales WHERE sale_id = ? FOR SHARE",
                (row, i) -> row.getBoolean(1), saleId.value());
        if (closed.isEmpty()) {
            return new UnknownSale();
        }
        List<ItemRow> items = jdbc.query(
                "SELECT kind, total, available, held, sold_out FROM items WHERE sale_id = ? AND sku = ? FOR UPDATE",
                (row, i) -> new ItemRow(ItemKind.valueOf(row.getString(1)), row.getInt(2), row.getInt(3), row.getInt(4),
                        row.getBoolean(5)),
                saleId.value(), sku.value());
        if (items.isEmpty()) {
            return new UnknownItem();
        }
        ItemRow item = items.getFirst();
        String body = toJson(request);
        if (idempotencyKey != null) {
            // Under the item's lock: two retries at once cannot both miss the first one.
            List<Boolean> same = jdbc.query(
                    "SELECT request = ?::jsonb FROM item_additions WHERE sale_id = ? AND sku = ? AND idempotency_key = ?",
                    (row, i) -> row.getBoolean(1), body, saleId.value(), sku.value(), idempotencyKey);
            if (!same.isEmpty()) {
                if (!same.getFirst()) {
                    return new KeyReused();
                }
                // Asked again, changed nothing: audited all the same, as a pause of a paused sale is.
                audit.record("item.add", "/api/v1/sales/" + saleId.value() + "/items/" + sku.value(), null,
                        Map.of("repeated", true, "idempotencyKey", idempotencyKey));
                return new Repeated();
            }
        }
        if (closed.getFirst()) {
            return new Closed();
        }
        ItemKind wanted = addition instanceof Seats ? ItemKind.SEATED : ItemKind.STOCK;
        if (item.kind() != wanted) {
            return new WrongKind(item.kind());
        }
        long total = (long) item.total() + addition.units();
        if (total > ItemAdditionRules.largestItem(addition)) {
            return new TooLarge(item.total(), ItemAdditionRules.largestItem(addition));
        }
        if (addition instanceof Seats seats) {
            List<String> taken = jdbc.queryForList(
                    "SELECT seat_id FROM seats WHERE sale_id = ? AND sku = ? AND seat_id = ANY (?::varchar[]) ORDER BY ordinal LIMIT 100",
                    String.class, saleId.value(), sku.value(),
                    seats.seats().stream().map(SeatId::value).toArray(String[]::new));
            if (!taken.isEmpty()) {
                return new SeatsExist(taken);
            }
            List<SeatId> added = seats.seats();
            jdbc.batchUpdate(INSERT_SEAT, IntStream.range(0, added.size()).boxed().toList(), SEAT_BATCH, (statement, i) -> {
                statement.setString(1, saleId.value());
                statement.setString(2, sku.value());
                statement.setString(3, added.get(i).value());
                statement.setInt(4, item.total() + i);
            });
        }
        // Relative, under the row's lock: whatever the processor committed before is kept.
        jdbc.update("""
                UPDATE items SET total = total + ?, available = available + ?, sold_out = false, version = version + 1
                 WHERE sale_id = ? AND sku = ?""",
                addition.units(), addition.units(), saleId.value(), sku.value());
        Long seq = jdbc.queryForObject("""
                INSERT INTO item_additions (sale_id, sku, units, first_ordinal, idempotency_key, request, actor)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?) RETURNING seq""",
                Long.class, saleId.value(), sku.value(), addition.units(),
                addition instanceof Seats ? item.total() : null, idempotencyKey, body, AuditLog.actor());
        Added after = new Added(item.total() + addition.units(), item.available() + addition.units());
        audit.record("item.add", "/api/v1/sales/" + saleId.value() + "/items/" + sku.value(),
                state(item.total(), item.available(), item.held(), item.soldOut(), null),
                state(after.total(), after.available(), item.held(), false, Map.of(
                        addition instanceof Seats ? "addSeats" : "addStock", addition.units(), "addition", seq)));
        return after;
    }

    private static Map<String, Object> state(int total, int available, int held, boolean soldOut, Map<String, Object> more) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("total", total);
        state.put("available", available);
        state.put("held", held);
        state.put("soldOut", soldOut);
        if (more != null) {
            state.putAll(more);
        }
        return state;
    }

    private String toJson(ItemAdditionRules.Request request) {
        try {
            return json.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an addition must be JSON", e);
        }
    }
}
