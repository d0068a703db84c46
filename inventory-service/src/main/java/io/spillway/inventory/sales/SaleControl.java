package io.spillway.inventory.sales;

import io.spillway.contract.SaleId;
import io.spillway.inventory.audit.AuditLog;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Pausing, resuming and closing a sale (CONTRACT.md, "Running a sale"). Only {@code sales.paused} changes,
 * with its audit entry in the same transaction; the catalogue relay sees the change on its next
 * poll and publishes the sale's record again, so every door refuses (or takes) orders within about
 * a poll interval. Orders already queued are untouched: the processor decides them as ever.
 *
 * <p>Limits: pausing an already paused sale (or resuming an open one) changes nothing and is still
 * audited, so the log shows what an operator asked for.
 */
@Service
class SaleControl {

    private final JdbcTemplate jdbc;
    private final AuditLog audit;

    SaleControl(JdbcTemplate jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** @return false for an unknown sale, which nothing changed */
    @Transactional
    boolean setPaused(SaleId saleId, boolean paused) {
        List<Boolean> before = jdbc.query("SELECT paused FROM sales WHERE sale_id = ? FOR UPDATE",
                (row, i) -> row.getBoolean(1), saleId.value());
        if (before.isEmpty()) {
            return false;
        }
        jdbc.update("UPDATE sales SET paused = ? WHERE sale_id = ?", paused, saleId.value());
        audit.record(paused ? "sale.pause" : "sale.resume", "/api/v1/sales/" + saleId.value(),
                Map.of("paused", before.getFirst()), Map.of("paused", paused));
        return true;
    }

    /**
     * Closes the sale once: {@code closed_at} is set to now and never moved; the processor rejects
     * every order it decides from then on {@code SALE_CLOSED}.
     *
     * @return false for an unknown sale, which nothing changed
     */
    @Transactional
    boolean close(SaleId saleId) {
        List<java.sql.Timestamp> before = jdbc.query("SELECT closed_at FROM sales WHERE sale_id = ? FOR UPDATE",
                (row, i) -> row.getTimestamp(1), saleId.value());
        if (before.isEmpty()) {
            return false;
        }
        jdbc.update("UPDATE sales SET closed_at = coalesce(closed_at, now()) WHERE sale_id = ?", saleId.value());
        java.sql.Timestamp after = jdbc.queryForObject("SELECT closed_at FROM sales WHERE sale_id = ?",
                java.sql.Timestamp.class, saleId.value());
        java.util.Map<String, Object> was = new java.util.HashMap<>();
        was.put("closedAt", before.getFirst() == null ? null : before.getFirst().toInstant().toString());
        audit.record("sale.close", "/api/v1/sales/" + saleId.value(), was, Map.of("closedAt", after.toInstant().toString()));
        return true;
    }
}
