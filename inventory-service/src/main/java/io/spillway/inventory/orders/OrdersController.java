package io.spillway.inventory.orders;

import io.spillway.contract.SaleId;
import io.spillway.contract.problems.Problems;
import io.spillway.contract.problems.Violation;
import io.spillway.inventory.audit.AuditLog;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** {@code GET /api/v1/sales/{saleId}/orders} and {@code /orders.csv}: admins only (admin.AdminSecurity). */
@RestController
class OrdersController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final SaleOrders orders;
    private final OrderExports exports;

    private final AuditLog audit;

    OrdersController(SaleOrders orders, OrderExports exports, AuditLog audit) {
        this.orders = orders;
        this.exports = exports;
        this.audit = audit;
    }

    record Page(List<OrderRow> orders, String nextCursor) {}

    @GetMapping(path = "/api/v1/sales/{saleId}/orders", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Page> list(
            @PathVariable String saleId,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        String wanted = status == null || status.isEmpty() ? null : status.toUpperCase(Locale.ROOT);
        if (wanted != null && !SaleOrders.STATUSES.contains(wanted)) {
            throw invalid("status", "is one of " + String.join(", ", SaleOrders.STATUSES.stream().sorted().toList()));
        }
        int size = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                size = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > MAX_LIMIT) {
                throw invalid("limit", "is a whole number from 1 to " + MAX_LIMIT);
            }
        }
        OrderCursor after = null;
        if (cursor != null && !cursor.isEmpty()) {
            after = OrderCursor.decode(cursor).orElseThrow(() -> invalid("cursor", "is not a cursor this API gave"));
        }
        requireSale(saleId);
        // One more than asked: whether another page exists, without a count.
        List<OrderRow> rows = orders.page(saleId, wanted, after, size + 1);
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            OrderRow last = rows.getLast();
            next = new OrderCursor(last.decidedAt(), last.orderId()).encode();
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(new Page(rows, next));
    }

    @GetMapping("/api/v1/sales/{saleId}/orders.csv")
    ResponseEntity<StreamingResponseBody> csv(@PathVariable String saleId) {
        requireSale(saleId);
        // Every buyer of the sale leaves the building in this file: who took it is recorded.
        audit.record("orders.export", "/api/v1/sales/" + saleId, null, Map.of("saleId", saleId));
        StreamingResponseBody body = exports.start(saleId);
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", Map.of("charset", "utf-8", "header", "present")))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + saleId + "-orders.csv\"")
                .cacheControl(CacheControl.noStore())
                .body(body);
    }

    private void requireSale(String saleId) {
        if (!SaleId.isValid(saleId) || !orders.saleExists(saleId)) {
            throw new ErrorResponseException(HttpStatus.NOT_FOUND, Problems.of(HttpStatus.NOT_FOUND, "unknown-sale",
                    "Unknown sale", "There is no sale " + saleId + "."), null);
        }
    }

    private static ErrorResponseException invalid(String field, String message) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, Problems.of(HttpStatus.BAD_REQUEST, "invalid-request",
                "Invalid request", "A query parameter is invalid.", List.of(new Violation(field, message))), null);
    }
}
