package io.spillway.processor.store;

import io.spillway.contract.Draw;
import io.spillway.contract.EventJson;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderQueued;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.processor.reservation.SaleTerms;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The poll's side of the opening (docs/opening.md): which items of a poll wait for their opening, and
 * parking their orders in {@code parked_orders}, inside the poll's transaction. An item waits while
 * its sale has a pre-queue and the item's parked orders are not all decided ({@code openings.drained_at}
 * null); then every new order of it is parked too, in line order, behind the pre-queue.
 *
 * <p>The draw key is computed here, from the seed read in the same transaction; the seed is never
 * kept beyond the call, logged or published. Limits: one more round trip for a poll holding an item of
 * a sale with a pre-queue (none for other polls).
 */
final class Openings {

    /** An item that waits for its opening, and what parking its orders needs. */
    record Gate(Instant opensAt, byte[] seed, boolean drawn) {}

    private Openings() {}

    /** The poll's items that wait for their opening. */
    static Map<ItemKey, Gate> gates(JdbcTemplate jdbc, Map<SaleId, SaleTerms> sales, Collection<ItemKey> items) {
        List<ItemKey> candidates = items.stream()
                .filter(item -> sales.get(item.saleId()) != null && sales.get(item.saleId()).hasPrequeue())
                .toList();
        Map<ItemKey, Gate> gates = new HashMap<>();
        if (candidates.isEmpty()) {
            return gates;
        }
        jdbc.query(
                """
                SELECT k.sale_id, k.sku, s.opens_at, s.draw_seed, o.drawn_at IS NOT NULL AS drawn
                  FROM unnest(?::varchar[], ?::varchar[]) AS k (sale_id, sku)
                  JOIN sales s ON s.sale_id = k.sale_id
                  LEFT JOIN openings o ON o.sale_id = k.sale_id AND o.sku = k.sku
                 WHERE s.prequeue_opens_at IS NOT NULL AND o.drained_at IS NULL""",
                rs -> {
                    gates.put(
                            new ItemKey(SaleId.of(rs.getString("sale_id")), Sku.of(rs.getString("sku"))),
                            new Gate(rs.getObject("opens_at", java.time.OffsetDateTime.class).toInstant(),
                                    rs.getBytes("draw_seed"), rs.getBoolean("drawn")));
                },
                candidates.stream().map(item -> item.saleId().value()).toArray(String[]::new),
                candidates.stream().map(item -> item.sku().value()).toArray(String[]::new));
        return gates;
    }

    /**
     * Parks the orders, in the order given (their line's), and answers each with where it waits. An
     * order parked before (a redelivery) keeps its first row and place. An order is in the pre-queue
     * when the door accepted it before {@code opensAt} and the item's draw is not made yet.
     */
    static List<OrderQueued> park(
            JdbcTemplate jdbc, List<OrderRequested> orders, Map<ItemKey, Gate> gates, Map<ItemKey, Integer> lines,
            Instant now) {
        if (orders.isEmpty()) {
            return List.of();
        }
        List<OrderQueued> answers = new ArrayList<>(orders.size());
        int n = orders.size();
        String[] ids = new String[n];
        String[] saleIds = new String[n];
        String[] skus = new String[n];
        Integer[] orderLines = new Integer[n];
        Boolean[] prequeue = new Boolean[n];
        String[] keys = new String[n];
        String[] requests = new String[n];
        for (int i = 0; i < n; i++) {
            OrderRequested order = orders.get(i);
            Gate gate = gates.get(order.itemKey());
            boolean member = !gate.drawn() && order.requestedAt().isBefore(gate.opensAt());
            ids[i] = order.orderId().toString();
            saleIds[i] = order.saleId().value();
            skus[i] = order.sku().value();
            orderLines[i] = lines.get(order.itemKey());
            prequeue[i] = member;
            // A sale created before draws existed has no seed; its orders park in line order.
            keys[i] = gate.seed() == null ? "" : Draw.key(gate.seed(), order.orderId());
            requests[i] = new String(EventJson.write(order), StandardCharsets.UTF_8);
            answers.add(new OrderQueued(OrderEvent.SCHEMA_VERSION, order.orderId(), order.saleId(), order.sku(), member,
                    gate.opensAt(), null, now));
        }
        jdbc.update(
                """
                INSERT INTO parked_orders (order_id, sale_id, sku, line, prequeue, draw_key, request)
                SELECT p.order_id, p.sale_id, p.sku, p.line, p.prequeue, decode(p.draw_key, 'hex'),
                       convert_to(p.request, 'UTF8')
                  FROM unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::smallint[], ?::boolean[], ?::text[], ?::text[])
                       WITH ORDINALITY AS p (order_id, sale_id, sku, line, prequeue, draw_key, request, n)
                 ORDER BY p.n
                ON CONFLICT (order_id) DO NOTHING""",
                ids, saleIds, skus, orderLines, prequeue, keys, requests);
        return answers;
    }

    /** Whether an order is answered by its park, not a decision. */
    static boolean parks(Map<ItemKey, Gate> gates, OrderRequested order, Map<OrderId, ?> decidedBefore) {
        return gates.containsKey(order.itemKey()) && !decidedBefore.containsKey(order.orderId());
    }
}
