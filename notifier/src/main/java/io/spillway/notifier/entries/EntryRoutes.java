package io.spillway.notifier.entries;

import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.problems.Problems;
import io.spillway.notifier.orders.EventIds;
import io.spillway.notifier.orders.EventStream;
import io.spillway.notifier.orders.Subscriptions;
import java.net.URI;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/entries/{entryId}} and {@code …/events}: an entry's status now, and its event
 * stream, under the same rules as an order's (the same engine, {@link Subscriptions}).
 *
 * <p>Access as for an order: the token, from {@code ?token=} or {@code Authorization: Bearer}, is
 * {@link OrderTokens}' HMAC of the entry id's UUID text (the door hands it out with the entry). A
 * malformed id, a wrong token and an unknown entry all get the same 404. A valid token for an entry
 * the admitter has not announced yet answers {@code WAITING} with no place, as an order not visible
 * yet answers {@code QUEUED}.
 *
 * <p>Functional routes, as the order stream's: an open stream keeps its request chain alive.
 */
final class EntryRoutes {

    static final String STATUS = "/api/v1/entries/{entryId}";
    static final String EVENTS = "/api/v1/entries/{entryId}/events";
    private static final String BEARER = "Bearer ";

    private final OrderTokens tokens;
    private final EntryViews views;
    private final EntryStory story;
    private final Subscriptions subscriptions;

    EntryRoutes(OrderTokens tokens, EntryViews views, EntryStory story, Subscriptions subscriptions) {
        this.tokens = tokens;
        this.views = views;
        this.story = story;
        this.subscriptions = subscriptions;
    }

    RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route().GET(STATUS, this::status).GET(EVENTS, this::events).build();
    }

    private Mono<ServerResponse> status(ServerRequest request) {
        try {
            EntryId id = authorize(request);
            EntryView view = views.render(id, views.view().entry(id).orElse(null));
            // The answer changes as the line moves and is for the token holder only.
            return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                    .bodyValue(view);
        } catch (ErrorResponseException refused) {
            return problem(request, refused);
        }
    }

    private Mono<ServerResponse> events(ServerRequest request) {
        try {
            EntryId id = authorize(request);
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
                    .body(BodyInserters.fromServerSentEvents(subscriptions.open(id, last, story, "entry")));
        } catch (ErrorResponseException refused) {
            return problem(request, refused);
        }
    }

    private EntryId authorize(ServerRequest request) {
        String raw = request.pathVariable("entryId");
        if (!EntryId.isValid(raw)) {
            throw new EntryNotFound();
        }
        EntryId entryId = EntryId.of(raw);
        String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        String headerToken = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim()
                : null;
        // The order tokens' HMAC of the UUID's text: an entry's id names no order, and an order's token opens no entry
        // (the ids are made differently: name-based v3 for entries, v8 for orders).
        OrderId sameText = new OrderId(entryId.value());
        if (!tokens.verify(sameText, request.queryParam("token").orElse(null)) && !tokens.verify(sameText, headerToken)) {
            throw new EntryNotFound();
        }
        return entryId;
    }

    private static Mono<ServerResponse> problem(ServerRequest request, ErrorResponseException refused) {
        ProblemDetail problem = refused.getBody();
        if (problem.getInstance() == null) {
            problem.setInstance(URI.create(request.path()));
        }
        return ServerResponse.status(refused.getStatusCode())
                .headers(headers -> headers.addAll(refused.getHeaders()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(problem);
    }

    /** The one answer for every entry a caller may not see, as for orders. */
    static final class EntryNotFound extends ErrorResponseException {

        EntryNotFound() {
            super(HttpStatus.NOT_FOUND, Problems.untyped(HttpStatus.NOT_FOUND, "Entry not found",
                    "No entry with this id can be shown with this token."), null);
        }
    }
}
