package io.spillway.inventory.sales;

import io.spillway.contract.Draw;
import io.spillway.contract.SaleId;
import io.spillway.contract.problems.Problems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/sales/{saleId}/draw} (CONTRACT.md, "Opening: pre-queue and draw"): once every
 * pre-queue order of the sale is decided, per item the draw keys in draw order, each with its
 * quantity and outcome. Never an order id or a customer: a buyer finds their own key by computing
 * it ({@code docs/opening.md}). Before the draw is revealed the answer is {@code 409} (the sale
 * exists, its draw is not public yet); an unknown sale is {@code 404}.
 *
 * <p>{@code outcome} is what the decision was: {@code CONFIRMED} (also when the hold then ended
 * paid, expired or cancelled), {@code REJECTED} with its {@code reason}, or {@code CANCELLED} for an
 * order cancelled before it was decided. Limits: the whole draw is built in memory (50,000 keys are
 * about 6 MB of JSON); it is immutable once revealed, so it is cached publicly for a minute.
 */
@RestController
class DrawController {

    private final JdbcTemplate jdbc;

    DrawController(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    record DrawnKey(int place, String key, int quantity, String outcome, String reason) {}

    record DrawnItem(String sku, List<DrawnKey> keys) {}

    record DrawAnswer(String saleId, String openingOrder, String commitment, String seed, List<DrawnItem> items) {}

    @GetMapping("/api/v1/sales/{saleId}/draw")
    ResponseEntity<DrawAnswer> draw(@PathVariable String saleId) {
        if (!SaleId.isValid(saleId)) {
            throw problem(HttpStatus.NOT_FOUND, "unknown-sale", "Unknown sale", "There is no sale " + saleId + ".");
        }
        List<Map<String, Object>> sale = jdbc.queryForList(
                "SELECT opening_order, draw_seed, draw_revealed_at FROM sales WHERE sale_id = ?", saleId);
        if (sale.isEmpty()) {
            throw problem(HttpStatus.NOT_FOUND, "unknown-sale", "Unknown sale", "There is no sale " + saleId + ".");
        }
        byte[] seed = (byte[]) sale.get(0).get("draw_seed");
        if (seed == null || sale.get(0).get("draw_revealed_at") == null) {
            throw problem(HttpStatus.CONFLICT, "draw-not-revealed", "The draw is not public yet",
                    "The draw of sale " + saleId + " is published once every pre-queue order is decided.");
        }
        Map<String, List<DrawnKey>> items = new LinkedHashMap<>();
        jdbc.query("""
                SELECT d.sku, d.place, d.draw_key, o.quantity, o.status, o.reason, o.hold_expires_at IS NOT NULL AS held
                  FROM draws d LEFT JOIN orders o ON o.order_id = d.order_id
                 WHERE d.sale_id = ?
                 ORDER BY d.sku, d.place""",
                row -> {
                    String status = row.getString("status");
                    String outcome = switch (status == null ? "" : status) {
                        case "CONFIRMED", "PAID", "EXPIRED" -> "CONFIRMED";
                        case "CANCELLED" -> row.getBoolean("held") ? "CONFIRMED" : "CANCELLED";
                        case "REJECTED" -> "REJECTED";
                        default -> "UNDECIDED";
                    };
                    items.computeIfAbsent(row.getString("sku"), sku -> new ArrayList<>())
                            .add(new DrawnKey(row.getInt("place"), Draw.hex(row.getBytes("draw_key")),
                                    row.getInt("quantity"), outcome, row.getString("reason")));
                },
                saleId);
        List<DrawnItem> answer = new ArrayList<>();
        items.forEach((sku, keys) -> answer.add(new DrawnItem(sku, keys)));
        return ResponseEntity.ok()
                .header(HttpHeaders.CACHE_CONTROL, "public, max-age=60")
                .body(new DrawAnswer(saleId, (String) sale.get(0).get("opening_order"), Draw.commitment(seed),
                        Draw.hex(seed), answer));
    }

    private static ErrorResponseException problem(HttpStatus status, String type, String title, String detail) {
        return new ErrorResponseException(status, Problems.of(status, type, title, detail), null);
    }
}
