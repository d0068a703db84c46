package io.spillway.processor.store;

import io.spillway.contract.CancelRequested;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderCommand;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.PaymentReceived;
import io.spillway.processor.publish.OutboxRelay;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores one poll of {@code orders.commands} in one transaction: payments into {@code payments},
 * cancels into {@code cancels}, each idempotently ({@code ON CONFLICT DO NOTHING}: a redelivered
 * command, the same {@code Idempotency-Key} or the same {@code paymentRef} is stored once), and how far
 * each partition is now stored ({@code command_watermarks}, only ever raised). It never touches stock:
 * what a command does is decided by the owner of the order's line ({@link HoldStep}).
 *
 * <p>One exception, the race of a cancel with its order's decision (docs/design/holds.md §1): a cancel
 * for an order without a row inserts a {@code CANCELLED} row. The primary key lets exactly one of this
 * insert and the decision's commit; if this one wins, the decision's transaction fails on the key,
 * retries, and replays the cancellation, taking nothing. Its {@code OrderCancelled} goes to the outbox
 * with no line; the intake publishes it after the commit.
 *
 * <p>Limits: a payment whose {@code paymentRef} was stored for another order is ignored and only
 * counted (a refusal would ask the shop to refund the other order's charge).
 */
@Component
public class CommandStore {

    /** Every command appended to {@code partition} at or before {@code through} is stored. */
    public record Watermark(int partition, Instant through) {}

    /** What a poll stored: the intake's outbox rows to publish and the payment references used for another order. */
    public record Stored(List<OutboxRelay.Row> outbox, int refConflicts, int payments, int cancels) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    CommandStore(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    public Stored store(List<OrderCommand> commands, List<Watermark> watermarks, Instant now) {
        return transactions.execute(status -> {
            List<PaymentReceived> payments = new ArrayList<>();
            List<CancelRequested> cancels = new ArrayList<>();
            for (OrderCommand command : commands) {
                switch (command) {
                    case PaymentReceived payment -> payments.add(payment);
                    case CancelRequested cancel -> cancels.add(cancel);
                }
            }
            int conflicts = storePayments(payments);
            List<OutboxRelay.Row> outbox = storeCancels(cancels, now);
            raise(watermarks);
            return new Stored(outbox, conflicts, payments.size(), cancels.size());
        });
    }

    private int storePayments(List<PaymentReceived> payments) {
        if (payments.isEmpty()) {
            return 0;
        }
        Set<String> inserted = new HashSet<>(jdbc.queryForList(
                """
                INSERT INTO payments (payment_ref, command_id, order_id, accepted_at)
                SELECT p.payment_ref, p.command_id, p.order_id, p.accepted_at
                  FROM unnest(?::varchar[], ?::uuid[], ?::uuid[], ?::timestamptz[]) WITH ORDINALITY
                       AS p (payment_ref, command_id, order_id, accepted_at, n)
                 ORDER BY p.n
                ON CONFLICT DO NOTHING
                RETURNING payment_ref""",
                String.class,
                payments.stream().map(PaymentReceived::paymentRef).toArray(String[]::new),
                payments.stream().map(p -> p.commandId().toString()).toArray(String[]::new),
                payments.stream().map(p -> p.orderId().toString()).toArray(String[]::new),
                payments.stream().map(p -> p.acceptedAt().toString()).toArray(String[]::new)));
        // Not stored: a repeat (same ref or key, same order), or the ref was used for another order.
        Map<String, OrderId> refused = new HashMap<>();
        payments.stream().filter(p -> !inserted.contains(p.paymentRef())).forEach(p -> refused.put(p.paymentRef(),
                p.orderId()));
        if (refused.isEmpty()) {
            return 0;
        }
        int[] conflicts = {0};
        jdbc.query(
                "SELECT payment_ref, order_id FROM payments WHERE payment_ref = ANY (?::varchar[])",
                rs -> {
                    if (!new OrderId(rs.getObject("order_id", UUID.class)).equals(refused.get(rs.getString(1)))) {
                        conflicts[0]++;
                    }
                },
                (Object) refused.keySet().toArray(String[]::new));
        return conflicts[0];
    }

    private List<OutboxRelay.Row> storeCancels(List<CancelRequested> cancels, Instant now) {
        if (cancels.isEmpty()) {
            return List.of();
        }
        List<String> fresh = jdbc.queryForList(
                """
                INSERT INTO cancels (order_id, accepted_at)
                SELECT c.order_id, c.accepted_at
                  FROM unnest(?::uuid[], ?::timestamptz[]) WITH ORDINALITY AS c (order_id, accepted_at, n)
                 ORDER BY c.n
                ON CONFLICT DO NOTHING
                RETURNING order_id::text""",
                String.class,
                cancels.stream().map(c -> c.orderId().toString()).toArray(String[]::new),
                cancels.stream().map(c -> c.acceptedAt().toString()).toArray(String[]::new));
        if (fresh.isEmpty()) {
            return List.of();
        }
        // Sorted, as the decisions' inserts are: two writers of the same keys lock them in one order.
        String[] ids = fresh.stream().sorted().toArray(String[]::new);
        List<String> cancelledQueued = jdbc.queryForList(
                """
                INSERT INTO orders (order_id, status, decided_at, ended_at)
                SELECT o.order_id, 'CANCELLED', ?::timestamptz, ?::timestamptz FROM unnest(?::uuid[]) AS o (order_id)
                ON CONFLICT DO NOTHING
                RETURNING order_id::text""",
                String.class,
                now.toString(), now.toString(), ids);
        if (cancelledQueued.isEmpty()) {
            return List.of();
        }
        jdbc.update(
                "UPDATE cancels SET outcome = 'CANCELLED', decided_at = ?::timestamptz WHERE order_id = ANY (?::uuid[])",
                now.toString(), cancelledQueued.toArray(String[]::new));
        List<Outbox.Entry> events = cancelledQueued.stream()
                .map(id -> new OrderId(UUID.fromString(id)))
                .map(id -> new Outbox.Entry(null, id, new OrderCancelled(
                        OrderEvent.SCHEMA_VERSION, id, null, null, null, null, List.of(), false, null, now)))
                .toList();
        return Outbox.insert(jdbc, events);
    }

    private void raise(List<Watermark> watermarks) {
        if (watermarks.isEmpty()) {
            return;
        }
        List<Watermark> sorted = watermarks.stream()
                .sorted(java.util.Comparator.comparingInt(Watermark::partition))
                .toList();
        jdbc.update(
                """
                INSERT INTO command_watermarks (topic_partition, routed_through)
                SELECT * FROM unnest(?::int[], ?::timestamptz[])
                ON CONFLICT (topic_partition)
                DO UPDATE SET routed_through = GREATEST(command_watermarks.routed_through, EXCLUDED.routed_through)""",
                sorted.stream().map(Watermark::partition).toArray(Integer[]::new),
                sorted.stream().map(w -> w.through().toString()).toArray(String[]::new));
    }

    /** Only raises the watermarks: an idle poll stored nothing, but has read everything up to its start. */
    public void raiseOnly(List<Watermark> watermarks) {
        transactions.executeWithoutResult(status -> raise(watermarks));
    }
}
