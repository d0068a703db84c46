package io.spillway.inventory.orders;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Decided orders of a sale written straight into PostgreSQL, as the processor would have decided
 * them: one of every status in turn, {@code count} rows in one statement.
 */
final class OrderRowsSql {

    private OrderRowsSql() {}

    static void insert(JdbcTemplate jdbc, String saleId, int count) {
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, sale_id, sku, quantity, seats, status, reason, requested_at,
                                    decided_at, line, hold_expires_at, ended_at, payment_ref)
                SELECT gen_random_uuid(), 'c-' || (i % 9973), ?, 'GA', 1 + i % 4, '{}',
                       (ARRAY['CONFIRMED','REJECTED','PAID','EXPIRED','CANCELLED'])[1 + i % 5],
                       CASE WHEN i % 5 = 1 THEN 'SOLD_OUT' END,
                       timestamptz '2026-12-24 09:00:00Z' + i * interval '1 millisecond',
                       timestamptz '2026-12-24 09:00:00Z' + i * interval '1 millisecond' + interval '2 seconds',
                       0,
                       CASE WHEN i % 5 IN (0, 2, 3, 4) THEN timestamptz '2026-12-24 09:10:00Z' END,
                       CASE WHEN i % 5 IN (2, 3, 4) THEN timestamptz '2026-12-24 09:05:00Z' END,
                       CASE WHEN i % 5 = 2 THEN 'pay-' || i END
                FROM generate_series(1, ?) AS i
                """, saleId, count);
    }
}
