package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/orders/{orderId}/events}: the order's state now, then every change, until the
 * terminal event ends the stream.
 */
@RestController
class OrderEventsController {

    private final OrderAccess access;
    private final Subscriptions subscriptions;

    OrderEventsController(OrderAccess access, Subscriptions subscriptions) {
        this.access = access;
        this.subscriptions = subscriptions;
    }

    @GetMapping("/api/v1/orders/{orderId}/events")
    ResponseEntity<SseEmitter> events(
            @PathVariable String orderId,
            @RequestParam(required = false) String token,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            HttpServletRequest request) {
        OrderId id = access.authorize(orderId, token, authorization);
        long last = EventIds.parse(lastEventId);
        if (EventIds.isTerminal(last)) {
            // The client already holds the terminal event; 204 also tells an EventSource to stop reconnecting.
            return ResponseEntity.noContent().build();
        }
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                // Proxies such as nginx would otherwise hold events back in their buffers.
                .header("X-Accel-Buffering", "no")
                .body(subscriptions.open(id, last, request));
    }
}
