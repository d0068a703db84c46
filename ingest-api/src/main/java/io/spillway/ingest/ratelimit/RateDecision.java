package io.spillway.ingest.ratelimit;

import io.spillway.ingest.ratelimit.RateLimitProperties.Limit;
import java.time.Duration;

/**
 * A rate limit's answer, with what the IETF draft "RateLimit header fields for HTTP"
 * (draft-ietf-httpapi-ratelimit-headers) tells the client: the policy that applied
 * ({@code RateLimit-Policy: "customer";q=20;w=10}) and where the client stands in it
 * ({@code RateLimit: "customer";r=0;t=3}).
 */
public record RateDecision(boolean allowed, Policy policy, long remaining, Duration retryAfter) {

    static final RateDecision ALLOWED = new RateDecision(true, null, -1, Duration.ZERO);

    static RateDecision allowed(Policy policy, long remaining) {
        return new RateDecision(true, policy, remaining, Duration.ZERO);
    }

    static RateDecision refused(Policy policy, Duration retryAfter) {
        return new RateDecision(false, policy, 0, retryAfter);
    }

    /** Whole seconds, rounded up: a client that waits this long finds a token. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }

    /** The {@code RateLimit-Policy} field value, or null when no limit applied. */
    public String policyHeader() {
        return policy == null ? null
                : "\"" + policy.name() + "\";q=" + policy.limit().requests() + ";w=" + windowSeconds();
    }

    /** The {@code RateLimit} field value, or null when no limit applied. */
    public String rateLimitHeader() {
        if (policy == null) {
            return null;
        }
        // t: seconds until the quota is restored enough to allow a request (0 when it does now).
        long reset = allowed ? 0 : retryAfterSeconds();
        return "\"" + policy.name() + "\";r=" + remaining + ";t=" + reset;
    }

    private long windowSeconds() {
        return Math.max(1, (policy.limit().per().toMillis() + 999) / 1000);
    }

    /** A named limit: {@code customer}, {@code address} or {@code global}. */
    public record Policy(String name, Limit limit) {}
}
