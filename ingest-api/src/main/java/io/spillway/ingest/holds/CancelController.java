package io.spillway.ingest.holds;

import io.spillway.contract.CancelRequested;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.ingest.metrics.IngestMetrics;
import io.spillway.ingest.orders.BoundedBody;
import io.spillway.ingest.orders.RequiredSecrets;
import org.springframework.beans.factory.ObjectProvider;
import io.spillway.ingest.problems.Refusal;
import io.spillway.ingest.ratelimit.RateDecision;
import io.spillway.ingest.ratelimit.RateLimits;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/orders/{orderId}/cancel?token=…}, the buyer's cancellation, with the order's
 * access token as {@code ?token=} or {@code Authorization: Bearer}. A wrong token and an id that is
 * not one are the same {@code 404}, as for {@code GET}: the door is no oracle of which orders exist.
 * The door cannot know the order's state (queued, held, paid); the processor decides, and the
 * outcome is on the order's status.
 *
 * <p>The token is read from the raw query string, never through {@code getParameter}, which would
 * read a form-encoded body before its size is checked.
 */
@RestController
class CancelController {

    private static final String BEARER = "Bearer ";

    private final OrderTokens tokens;
    private final RateLimits limits;
    private final CommandLog commands;
    private final IngestMetrics metrics;

    CancelController(ObjectProvider<OrderTokens> tokens, RateLimits limits, CommandLog commands, IngestMetrics metrics) {
        this.tokens = RequiredSecrets.orderTokens(tokens);
        this.limits = limits;
        this.commands = commands;
        this.metrics = metrics;
    }

    @PostMapping("/api/v1/orders/{orderId}/cancel")
    void cancel(@PathVariable("orderId") String path, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        OrderId orderId = OrderId.parseOrNull(path);
        if (orderId == null || !tokens.verify(orderId, token(request))) {
            throw Refusal.unknownOrder();
        }
        CommandRequests.cancel(BoundedBody.read(request.getContentLengthLong(), request.getInputStream(),
                CommandRequests.MAX_BODY_BYTES));
        RateDecision rate = limits.acquireCancel(orderId.toString(), request.getRemoteAddr());
        if (!rate.allowed()) {
            throw Refusal.rateLimited(rate);
        }
        commands.append(acceptedAt -> CancelRequested.of(orderId, acceptedAt));
        metrics.commandAccepted("cancel");
        CommandAnswers.accepted(new CommandAnswers.CancelAccepted(orderId.toString(),
                CommandAnswers.Links.of(orderId, tokens.tokenFor(orderId))), rate, response);
    }

    /** {@code ?token=}, else the bearer token, else null. */
    private static String token(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query != null) {
            for (String parameter : query.split("&")) {
                if (parameter.startsWith("token=")) {
                    try {
                        return URLDecoder.decode(parameter.substring("token=".length()), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException malformed) {
                        return null;
                    }
                }
            }
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).trim();
        }
        return null;
    }
}
