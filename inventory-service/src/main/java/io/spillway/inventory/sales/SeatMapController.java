package io.spillway.inventory.sales;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.problems.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/sales/{saleId}/items/{sku}/seats}: a seated item's seats in their order, each
 * free or taken, for the buyers' page's seat map (CONTRACT.md, "Pages": "pick named seats"). Public
 * like the sale view and, like it, at most a second behind the processor: answers are kept for a
 * second, so a burst of pages costs the database one query per item per second.
 *
 * <p>Limits: the whole item in one answer (a 100,000-seat item is about 3 MB of JSON; a page is
 * meant for venues of a few thousand seats). "Free" is a hint: the processor decides, and a seat
 * taken in the last second is rejected {@code SEAT_TAKEN}.
 */
@RestController
class SeatMapController {

    /** Not in the catalogue: a seat map is a public answer, not part of the contract's sale view. */
    record SeatState(String id, boolean free) {}

    record SeatMap(String saleId, String sku, List<SeatState> seats) {}

    private record Key(String saleId, String sku) {}

    private final LoadingCache<Key, Optional<SeatMap>> maps;

    SeatMapController(JdbcTemplate jdbc) {
        this.maps = Caffeine.newBuilder()
                .expireAfterWrite(Duration.ofSeconds(1))
                .maximumSize(1_000)
                .build(key -> load(jdbc, key));
    }

    @GetMapping("/api/v1/sales/{saleId}/items/{sku}/seats")
    ResponseEntity<SeatMap> seats(@PathVariable String saleId, @PathVariable String sku) {
        if (!SaleId.isValid(saleId) || !Sku.isValid(sku)) {
            throw unknown(saleId, sku);
        }
        return maps.get(new Key(saleId, sku))
                .map(map -> ResponseEntity.ok().cacheControl(CacheControl.maxAge(1, TimeUnit.SECONDS).cachePublic()).body(map))
                .orElseThrow(() -> unknown(saleId, sku));
    }

    private static Optional<SeatMap> load(JdbcTemplate jdbc, Key key) {
        List<String> kind = jdbc.queryForList(
                "SELECT kind FROM items WHERE sale_id = ? AND sku = ?", String.class, key.saleId(), key.sku());
        if (kind.isEmpty() || !"SEATED".equals(kind.get(0))) {
            return Optional.empty();
        }
        List<SeatState> seats = new ArrayList<>();
        jdbc.query("SELECT seat_id, order_id IS NULL AS free FROM seats WHERE sale_id = ? AND sku = ? ORDER BY ordinal",
                row -> {
                    seats.add(new SeatState(row.getString("seat_id"), row.getBoolean("free")));
                },
                key.saleId(), key.sku());
        return Optional.of(new SeatMap(key.saleId(), key.sku(), seats));
    }

    private static ErrorResponseException unknown(String saleId, String sku) {
        return new ErrorResponseException(HttpStatus.NOT_FOUND, Problems.of(HttpStatus.NOT_FOUND, "unknown-item",                "Unknown seated item", "Sale " + saleId + " has no seated item " + sku + "."), null);
    }
}
