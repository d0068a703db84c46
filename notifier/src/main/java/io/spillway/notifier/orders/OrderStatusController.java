package io.spillway.notifier.orders;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /api/v1/orders/{orderId}}: the order's status now. */
@RestController
class OrderStatusController {

    private final OrderAccess access;
    private final OrderViews views;

    OrderStatusController(OrderAccess access, OrderViews views) {
        this.access = access;
        this.views = views;
    }

    @GetMapping("/api/v1/orders/{orderId}")
    Mono<ResponseEntity<OrderView>> status(
            @PathVariable String orderId,
            @RequestParam(required = false) String token,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        // The answer changes as the line moves and is for the token holder only.
        return views.current(access.authorize(orderId, token, authorization))
                .map(view -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view));
    }
}
