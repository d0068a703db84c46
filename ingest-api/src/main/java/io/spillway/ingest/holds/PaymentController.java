package io.spillway.ingest.holds;

import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.PaymentReceived;
import io.spillway.ingest.metrics.IngestMetrics;
import io.spillway.ingest.orders.BoundedBody;
import io.spillway.ingest.orders.RequiredSecrets;
import org.springframework.beans.factory.ObjectProvider;
import io.spillway.ingest.orders.JsonContentType;
import io.spillway.ingest.problems.Refusal;
import io.spillway.ingest.ratelimit.RateDecision;
import io.spillway.ingest.ratelimit.RateLimits;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/orders/{orderId}/payment}, the payment system's callback. The checks run in
 * the design's order (docs/design/holds.md §4): the credential before anything about the order, then
 * what the request alone shows (a UUID, JSON of at most 1 KiB, a key and a reference), then the holds
 * view, the rate limits and whether the order was held; only then is {@code PaymentReceived} sent,
 * so a refused payment never reaches Kafka.
 */
@RestController
class PaymentController {

    private final PaymentCredential credential;
    private final HoldsView view;
    private final HoldBook book;
    private final RateLimits limits;
    private final CommandLog commands;
    private final OrderTokens tokens;
    private final IngestMetrics metrics;
    private final Duration retryAfter;

    PaymentController(
            PaymentCredential credential, HoldsView view, HoldBook book, RateLimits limits, CommandLog commands,
            ObjectProvider<OrderTokens> tokens, IngestMetrics metrics, io.spillway.ingest.orders.IngestProperties settings) {
        this.credential = credential;
        this.view = view;
        this.book = book;
        this.limits = limits;
        this.commands = commands;
        this.tokens = RequiredSecrets.orderTokens(tokens);
        this.metrics = metrics;
        this.retryAfter = settings.retryAfter();
    }

    @PostMapping("/api/v1/orders/{orderId}/payment")
    void pay(@PathVariable("orderId") String path, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!credential.admits(request.getHeader(HttpHeaders.AUTHORIZATION))) {
            throw Refusal.unauthorized();
        }
        OrderId orderId = OrderId.parseOrNull(path);
        if (orderId == null) {
            throw Refusal.unknownOrder();
        }
        JsonContentType.require(request.getContentType());
        byte[] body = BoundedBody.read(request.getContentLengthLong(), request.getInputStream(),
                CommandRequests.MAX_BODY_BYTES);
        CommandRequests.Payment payment = CommandRequests.payment(
                Collections.list(request.getHeaders(CommandRequests.IDEMPOTENCY_KEY)), body);
        if (!view.isCaughtUp()) {
            throw Refusal.holdsNotReady(retryAfter);
        }
        RateDecision rate = limits.acquirePayment(orderId.toString());
        if (!rate.allowed()) {
            throw Refusal.rateLimited(rate);
        }
        if (book.deadline(orderId).isEmpty()) {
            throw Refusal.unknownOrder();
        }
        commands.append(acceptedAt -> PaymentReceived.of(orderId, payment.idempotencyKey(), payment.paymentRef(), acceptedAt));
        metrics.commandAccepted("payment");
        CommandAnswers.accepted(new CommandAnswers.PaymentAccepted(orderId.toString(), payment.paymentRef(),
                CommandAnswers.Links.of(orderId, tokens.tokenFor(orderId))), rate, response);
    }
}
