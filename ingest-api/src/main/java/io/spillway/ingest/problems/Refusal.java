package io.spillway.ingest.problems;

import io.spillway.contract.problems.Violation;
import io.spillway.ingest.ratelimit.RateDecision;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The door said no. Thrown by the request rules and the publisher, rendered by {@link ProblemHandler}
 * as {@code application/problem+json}. It carries no stack trace: it is an answer, not a fault, and
 * a burst of bad requests must not cost a stack walk each.
 */
public final class Refusal extends RuntimeException {

    private final RefusalKind kind;
    private final List<Violation> violations;
    private final Duration retryAfter;
    private final Map<String, String> headers;

    public Refusal(RefusalKind kind, String detail, List<Violation> violations, Duration retryAfter) {
        this(kind, detail, violations, retryAfter, Map.of());
    }

    /** @param headers further response headers (the rate limit's), in the order given */
    public Refusal(
            RefusalKind kind, String detail, List<Violation> violations, Duration retryAfter, Map<String, String> headers) {
        super(detail, null, false, false);
        this.kind = kind;
        this.violations = List.copyOf(violations);
        this.retryAfter = retryAfter;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public static Refusal invalid(List<Violation> violations) {
        return new Refusal(RefusalKind.INVALID_REQUEST, "The request has " + violations.size()
                + (violations.size() == 1 ? " error" : " errors") + "; see errors.", violations, null);
    }

    public static Refusal tooLarge(int maxBytes) {
        return new Refusal(RefusalKind.BODY_TOO_LARGE, "The body must not exceed " + maxBytes + " bytes.",
                List.of(new Violation("body", "must not exceed " + maxBytes + " bytes")), null);
    }

    public static Refusal notJson(String message) {
        return new Refusal(RefusalKind.NOT_JSON, "Content-Type " + message + ".",
                List.of(new Violation("Content-Type", message)), null);
    }

    public static Refusal notAccepted(String detail, Duration retryAfter) {
        return new Refusal(RefusalKind.NOT_ACCEPTED, detail, List.of(), retryAfter);
    }

    public static Refusal overloaded(Duration retryAfter) {
        return new Refusal(RefusalKind.OVERLOADED, "Too many orders are waiting for the broker; it was not accepted. "
                + "Retry with the same Idempotency-Key.", List.of(), retryAfter);
    }

    public static Refusal viewNotReady(Duration retryAfter) {
        return new Refusal(RefusalKind.VIEW_NOT_READY, "The service has not read the sales yet; the order was not "
                + "accepted. Retry with the same Idempotency-Key.", List.of(), retryAfter);
    }

    /** No payment credential, or a wrong one: said before anything about the order. */
    public static Refusal unauthorized() {
        return new Refusal(RefusalKind.UNAUTHORIZED, "Authorization: Bearer with the payment system's token is required.",
                List.of(), null, Map.of("WWW-Authenticate", "Bearer"));
    }

    /** An order the door cannot act on: not a UUID, not held, or a token not for it. One answer for all. */
    public static Refusal unknownOrder() {
        return new Refusal(RefusalKind.UNKNOWN_ORDER, "There is no such order, or it cannot be paid or cancelled "
                + "with this request.", List.of(), null);
    }

    public static Refusal holdsNotReady(Duration retryAfter) {
        return new Refusal(RefusalKind.HOLDS_NOT_READY, "The service has not read the holds yet; the payment was not "
                + "accepted. Retry with the same Idempotency-Key.", List.of(), retryAfter);
    }

    public static Refusal commandNotAccepted(String detail, Duration retryAfter) {
        return new Refusal(RefusalKind.COMMAND_NOT_ACCEPTED, detail, List.of(), retryAfter);
    }

    /** Over a rate limit: 429 with the draft's {@code RateLimit-Policy} and {@code RateLimit} headers. */
    public static Refusal rateLimited(RateDecision rate) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("RateLimit-Policy", rate.policyHeader());
        headers.put("RateLimit", rate.rateLimitHeader());
        return new Refusal(RefusalKind.RATE_LIMITED, "Too many requests (" + rate.policy().name()
                        + " limit); retry after " + rate.retryAfterSeconds() + " s.",
                List.of(), Duration.ofSeconds(rate.retryAfterSeconds()), headers);
    }

    public static Refusal keyReused() {
        return new Refusal(RefusalKind.IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was used for a different order.",
                List.of(new Violation("Idempotency-Key", "was used with a different body")), null);
    }

    public Map<String, String> headers() {
        return headers;
    }

    public RefusalKind kind() {
        return kind;
    }

    public List<Violation> violations() {
        return violations;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
