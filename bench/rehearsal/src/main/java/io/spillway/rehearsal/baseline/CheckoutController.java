package io.spillway.rehearsal.baseline;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /checkout}: the order is decided before the answer. Before the opening it answers
 * {@code 409} with {@code Retry-After} (the buyers come back at the opening, all at once); a
 * confirmed order {@code 200}; sold out or seat taken {@code 409}. Three attempts on an optimistic
 * lock conflict, as the common examples' {@code @Retryable(maxAttempts = 3)}; after that the
 * exception reaches the buyer as Spring's {@code 500}.
 */
@RestController
class CheckoutController {

    static final int ATTEMPTS = 3;

    private final CheckoutTransaction transaction;
    private volatile Instant opensAt = Instant.MAX;

    CheckoutController(CheckoutTransaction transaction) {
        this.transaction = transaction;
    }

    record OrderRequest(String saleId, String sku, int quantity, List<String> seatIds) {}

    record Setup(long opensAtEpochMillis, int stock, int seats) {}

    @PostMapping("/setup")
    ResponseEntity<Void> setup(@RequestBody Setup setup) {
        transaction.reset(setup.stock(), setup.seats());
        opensAt = Instant.ofEpochMilli(setup.opensAtEpochMillis());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/checkout")
    ResponseEntity<Map<String, String>> checkout(@RequestHeader("X-Customer-Id") String customerId,
            @RequestHeader("Idempotency-Key") String idempotencyKey, @RequestBody OrderRequest request) {
        Duration untilOpen = Duration.between(Instant.now(), opensAt);
        if (!untilOpen.isNegative()) {
            return ResponseEntity.status(409)
                    .header("Retry-After", Long.toString(Math.max(1, (untilOpen.toMillis() + 999) / 1000)))
                    .body(Map.of("status", "NOT_OPEN"));
        }
        for (int attempt = 1; ; attempt++) {
            try {
                String status = transaction.decide(customerId, idempotencyKey, request);
                return ResponseEntity.status("CONFIRMED".equals(status) ? 200 : 409).body(Map.of("status", status));
            } catch (ObjectOptimisticLockingFailureException conflict) {
                if (attempt == ATTEMPTS) {
                    throw conflict;
                }
            }
        }
    }
}
