package io.spillway.processor.store;

import io.spillway.contract.EventJson;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderQueued;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderResult;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.processor.OpeningProperties;
import io.spillway.processor.publish.OutboxRelay;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The opening of the items of a consumer's lines (docs/opening.md), run on the line owner's thread
 * between two polls, like the hold step. For an item whose sale opened at least
 * {@link OpeningProperties#settle()} ago and whose line has read everything appended until then:
 *
 * <ol>
 *   <li><b>The draw</b>, once, in one transaction: every parked pre-queue order of the item gets its
 *       place in {@code draws} ({@code SHUFFLED}: ascending draw key; {@code FIFO}: the line's order),
 *       and a {@link OrderQueued} with that place goes to {@code results_outbox}. The place is a pure
 *       function of the seed and the order ids, and the row {@code openings.drawn_at} commits with it:
 *       a crash leaves the whole draw or none, and a draw made again is the same.
 *   <li><b>The drain</b>, one bounded batch per step: the parked orders in draw order, then the parked
 *       later orders in line order, decided by {@link PollDecider} (the same ledger, replays, holds),
 *       their rows deleted and their decisions put in {@code results_outbox}, in one transaction. A
 *       crash between batches resumes at the first order still parked; an order decided twice is
 *       replayed. The batch that leaves nothing parked sets {@code openings.drained_at}: from the next
 *       poll on, the item's orders are decided as they come. Once no pre-queue order of the sale is
 *       parked, {@code sales.draw_revealed_at} is set and the seed becomes public.
 * </ol>
 *
 * <p>After each commit the outbox rows go to {@code orders.results} ({@link OutboxRelay}); rows a
 * crash left are published again by the hold step of the line.
 *
 * <p>Limits: an order the door accepted before {@code opensAt} that reaches the line after the draw
 * (later than the send timeout plus skew allow) is decided with the later orders, in line order; a
 * parked order the database refuses to decide stops its item's drain (logged every step).
 */
@Component
public class OpeningStep {

    /** Whether a line has read every record appended until an instant. */
    public interface Watermarks {
        boolean seenThrough(int line, Instant instant);
    }

    /** What one step decided, and whether it stopped for its bound (more is ready at once). */
    public record Outcome(int drawn, int decided, boolean full) {}

    private record Candidate(ItemKey item, int line, Instant opensAt, String openingOrder) {}

    private record Parked(OrderId orderId, int line, OrderRequested request) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final PollDecider decider;
    private final OutboxRelay relay;
    private final OpeningProperties settings;
    private final Clock clock;

    OpeningStep(
            JdbcTemplate jdbc,
            PlatformTransactionManager transactionManager,
            PollDecider decider,
            OutboxRelay relay,
            OpeningProperties settings,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.decider = decider;
        this.relay = relay;
        this.settings = settings;
        this.clock = clock;
    }

    public Outcome run(Collection<Integer> lines, Watermarks watermarks) {
        if (lines.isEmpty()) {
            return new Outcome(0, 0, false);
        }
        Integer[] mine = new TreeSet<>(lines).toArray(Integer[]::new);
        Instant openedBy = clock.instant().minus(settings.settle());
        List<Candidate> candidates = jdbc.query(
                """
                SELECT p.sale_id, p.sku, min(p.line) AS line, s.opens_at, s.opening_order
                  FROM parked_orders p JOIN sales s ON s.sale_id = p.sale_id
                 WHERE p.line = ANY (?::smallint[]) AND s.opens_at <= ?::timestamptz
                 GROUP BY p.sale_id, p.sku, s.opens_at, s.opening_order
                 ORDER BY s.opens_at, p.sale_id, p.sku
                 LIMIT 100""",
                (rs, i) -> new Candidate(
                        new ItemKey(SaleId.of(rs.getString("sale_id")), Sku.of(rs.getString("sku"))),
                        rs.getInt("line"),
                        rs.getObject("opens_at", OffsetDateTime.class).toInstant(),
                        rs.getString("opening_order")),
                mine, openedBy.toString());
        int budget = settings.batch();
        int drawn = 0;
        int decided = 0;
        for (Candidate candidate : candidates) {
            // Every order accepted before the opening has reached the line, and the line has read it.
            if (!watermarks.seenThrough(candidate.line(), candidate.opensAt().plus(settings.settle()))) {
                continue;
            }
            drawn += draw(candidate);
            int batch = drain(candidate, budget);
            decided += batch;
            budget -= batch;
            if (budget == 0) {
                return new Outcome(drawn, decided, true);
            }
        }
        return new Outcome(drawn, decided, false);
    }

    /** Makes the item's draw unless it was made; answers how many orders it placed. */
    private int draw(Candidate candidate) {
        String saleId = candidate.item().saleId().value();
        String sku = candidate.item().sku().value();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<OutboxRelay.Row> rows = transactions.execute(status -> {
            if (jdbc.update("INSERT INTO openings (sale_id, sku, drawn_at) VALUES (?, ?, ?::timestamptz) ON CONFLICT DO NOTHING",
                    saleId, sku, now.toString()) == 0) {
                return List.<OutboxRelay.Row>of();
            }
            String order = "SHUFFLED".equals(candidate.openingOrder()) ? "draw_key, seq" : "seq";
            jdbc.update("""
                    INSERT INTO draws (sale_id, sku, place, draw_key, order_id)
                    SELECT sale_id, sku, (row_number() OVER (ORDER BY %s) - 1)::int, draw_key, order_id
                      FROM parked_orders WHERE sale_id = ? AND sku = ? AND prequeue""".formatted(order),
                    saleId, sku);
            List<Outbox.Entry> entries = jdbc.query(
                    """
                    SELECT d.order_id, d.place, p.line FROM draws d JOIN parked_orders p ON p.order_id = d.order_id
                     WHERE d.sale_id = ? AND d.sku = ? ORDER BY d.place""",
                    (rs, i) -> {
                        OrderId orderId = new OrderId(rs.getObject("order_id", UUID.class));
                        return new Outbox.Entry(rs.getInt("line"), orderId, new OrderQueued(OrderEvent.SCHEMA_VERSION,
                                orderId, candidate.item().saleId(), candidate.item().sku(), true, candidate.opensAt(),
                                rs.getInt("place"), now));
                    },
                    saleId, sku);
            return Outbox.insert(jdbc, entries);
        });
        relay.publish(rows);
        return rows.size();
    }

    /** Decides the next batch of the item's parked orders; answers how many. */
    private int drain(Candidate candidate, int budget) {
        String saleId = candidate.item().saleId().value();
        String sku = candidate.item().sku().value();
        List<Parked> batch = jdbc.query(
                """
                SELECT p.order_id, p.line, p.request FROM parked_orders p
                  LEFT JOIN draws d ON d.order_id = p.order_id
                 WHERE p.sale_id = ? AND p.sku = ?
                 ORDER BY d.place NULLS LAST, p.seq
                 LIMIT ?""",
                (rs, i) -> new Parked(new OrderId(rs.getObject("order_id", UUID.class)), rs.getInt("line"),
                        EventJson.read(rs.getBytes("request"), OrderRequested.class)),
                saleId, sku, budget);
        if (batch.isEmpty()) {
            transactions.executeWithoutResult(status -> completed(saleId, sku));
            return 0;
        }
        Map<ItemKey, List<OrderRequested>> byItem = new LinkedHashMap<>();
        byItem.put(candidate.item(), batch.stream().map(Parked::request).toList());
        Map<ItemKey, Integer> lines = Map.of(candidate.item(), candidate.line());
        String[] ids = batch.stream().map(parked -> parked.orderId().toString()).toArray(String[]::new);
        PollDecider.Drained drained = decider.decideParked(byItem, lines, answers -> {
            jdbc.update("DELETE FROM parked_orders WHERE order_id = ANY (?::uuid[])", (Object) ids);
            List<Outbox.Entry> entries = new ArrayList<>(answers.size());
            for (OrderResult answer : answers) {
                entries.add(new Outbox.Entry(candidate.line(), answer.orderId(), answer));
            }
            List<OutboxRelay.Row> rows = Outbox.insert(jdbc, entries);
            completed(saleId, sku);
            return rows;
        });
        relay.publish(drained.outbox());
        return batch.size();
    }

    /** Inside a transaction: the item drained if nothing of it is parked; the seed revealed if the sale's pre-queue is decided. */
    private void completed(String saleId, String sku) {
        jdbc.update("""
                UPDATE openings SET drained_at = now()
                 WHERE sale_id = ? AND sku = ? AND drained_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM parked_orders WHERE sale_id = ? AND sku = ?)""",
                saleId, sku, saleId, sku);
        jdbc.update("""
                UPDATE sales SET draw_revealed_at = now()
                 WHERE sale_id = ? AND draw_revealed_at IS NULL AND draw_seed IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM parked_orders WHERE sale_id = ? AND prequeue)""",
                saleId, saleId);
    }
}
