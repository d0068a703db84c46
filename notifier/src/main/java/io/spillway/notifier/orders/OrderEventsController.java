package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import java.net.URI;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/orders/{orderId}/events}: the order's state now, then every change, until the
 * terminal event ends the stream.
 *
 * <p>A functional route rather than an annotated controller: an event stream keeps its whole
 * request-handling chain alive for as long as it is open, and the annotated chain (argument
 * resolvers, binding context, model) costs several KiB per idle stream that this one does not.
 * Errors are written here as problem+json, as {@link OrderProblems} does for the status endpoint.
 */
final class OrderEventsController {

    static final String PATH = "/api/v1/orders/{orderId}/events";

    private final OrderAccess access;
    private final Subscriptions subscriptions;

    OrderEventsController(OrderAccess access, Subscriptions subscriptions) {
        this.access = access;
        this.subscriptions = subscriptions;
    }

    RouterFunction<ServerResponse> route() {
        return RouterFunctions.route().GET(PATH, this::events).build();
    }

    Mono<ServerResponse> events(ServerRequest request) {
        try {
            OrderId id = access.authorize(request.pathVariable("orderId"), request.queryParam("token").orElse(null),
                    request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
            long last = EventIds.parse(request.headers().firstHeader("Last-Event-ID"));
            if (EventStream.hasTheEnd(last)) {
                // The client already holds the terminal event; 204 also tells an EventSource to stop reconnecting.
                return ServerResponse.noContent().build();
            }
            return ServerResponse.ok()
                    .contentType(MediaType.TEXT_EVENT_STREAM)
                    .cacheControl(CacheControl.noStore())
                    // Proxies such as nginx would otherwise hold events back in their buffers.
                    .header("X-Accel-Buffering", "no")
                    .body(BodyInserters.fromServerSentEvents(subscriptions.open(id, last)));
        } catch (ErrorResponseException refused) {
            ProblemDetail problem = refused.getBody();
            if (problem.getInstance() == null) {
                problem.setInstance(URI.create(request.path()));
            }
            return ServerResponse.status(refused.getStatusCode())
                    .headers(headers -> headers.addAll(refused.getHeaders()))
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .bodyValue(problem);
        }
    }
}
