package io.spillway.inventory.console;

import java.time.Instant;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/sales}: the sales the console lists, newest first (admins only). Not in
 * CONTRACT.md's table of admin requests; the console needs it to list sales.
 *
 * <p>Limits: the newest {@link #LIMIT} sales, no paging.
 */
@RestController
class SaleList {

    static final int LIMIT = 200;

    record Entry(String saleId, String name, Instant opensAt, int holdSeconds) {}

    private final JdbcTemplate jdbc;

    SaleList(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/api/v1/sales")
    ResponseEntity<List<Entry>> list() {
        List<Entry> sales = jdbc.query(
                "SELECT sale_id, name, opens_at, hold_seconds FROM sales ORDER BY created_at DESC, sale_id LIMIT " + LIMIT,
                (rs, n) -> new Entry(rs.getString(1), rs.getString(2),
                        rs.getObject(3, java.time.OffsetDateTime.class).toInstant(), rs.getInt(4)));
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(sales);
    }
}
