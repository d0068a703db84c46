package io.spillway.ingest.orders;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code spillway.ingest.*}.
 *
 * @param sendTimeout the longest a request waits for the broker's acknowledgement before it is
 *     answered 503; the producer's own timeouts are derived from it so that it gives up no later
 * @param maxBlock the longest the producer may block the request thread for metadata or buffer
 *     space (Kafka's {@code max.block.ms}), part of {@code sendTimeout}
 * @param retryAfter what a 503 tells the client to wait before retrying with the same key
 * @param maxInFlight the most orders waiting for the broker at once; one more is answered 503 at
 *     once instead of queueing behind a broker that is not keeping up. The limit actually applied
 *     is lower when the heap cannot hold this many (see {@link #inFlightLimit})
 * @param rememberedKeys how many (order id, body fingerprint) pairs are kept to tell a reused
 *     {@code Idempotency-Key} with a different body (about 100 bytes each)
 * @param inFlightHeapShare the share of the maximum heap that requests waiting for the broker may
 *     hold together
 * @param waitingRequestSize what one request waiting for the broker holds on the heap: Tomcat's
 *     request processor and buffers, its virtual thread's stack, the order and its record
 *     (measured: docs/benchmarks/ingest.md, "A stalled broker under the 256 MB cap")
 * @param shedAboveHeapShare when a garbage collection leaves more than this share of the maximum
 *     heap in use, orders are answered 503 instead of being sent, until a collection leaves less
 * @param requestHeapShare the share of the maximum heap that requests in progress (waiting for
 *     the broker or not) may hold together, at {@code waitingRequestSize} each: Tomcat runs at most
 *     that many at once, the others wait for their turn holding next to nothing
 * @param connectionHeapShare the share of the maximum heap that open connections may hold together:
 *     Tomcat's {@code max-connections} is lowered to fit it
 * @param connectionSize what one open connection holds on the heap between requests (its socket
 *     buffers and wrapper)
 */
@ConfigurationProperties("spillway.ingest")
public record IngestProperties(
        @DefaultValue("2s") Duration sendTimeout,
        @DefaultValue("500ms") Duration maxBlock,
        @DefaultValue("1s") Duration retryAfter,
        @DefaultValue("5000") int maxInFlight,
        @DefaultValue("200000") long rememberedKeys,
        @DefaultValue("0.1") double inFlightHeapShare,
        @DefaultValue("64KB") DataSize waitingRequestSize,
        @DefaultValue("0.8") double shedAboveHeapShare,
        @DefaultValue("0.15") double requestHeapShare,
        @DefaultValue("0.3") double connectionHeapShare,
        @DefaultValue("10KB") DataSize connectionSize) {

    public IngestProperties {
        if (maxBlock.isNegative() || sendTimeout.minus(maxBlock).compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("spillway.ingest.send-timeout (" + sendTimeout
                    + ") must exceed spillway.ingest.max-block (" + maxBlock + ") by at least 100ms");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("spillway.ingest.max-in-flight must be at least 1");
        }
        if (!(inFlightHeapShare > 0 && inFlightHeapShare < 1)) {
            throw new IllegalArgumentException("spillway.ingest.in-flight-heap-share must be between 0 and 1");
        }
        if (!(shedAboveHeapShare > 0 && shedAboveHeapShare <= 1)) {
            throw new IllegalArgumentException("spillway.ingest.shed-above-heap-share must be above 0 and at most 1");
        }
        if (waitingRequestSize.toBytes() < 1 || connectionSize.toBytes() < 1) {
            throw new IllegalArgumentException(
                    "spillway.ingest.waiting-request-size and connection-size must be positive");
        }
        if (!(connectionHeapShare > 0 && connectionHeapShare < 1)) {
            throw new IllegalArgumentException("spillway.ingest.connection-heap-share must be between 0 and 1");
        }
        if (!(requestHeapShare > inFlightHeapShare && requestHeapShare < 1)) {
            // Requests waiting for the broker are requests in progress: if they could take every
            // turn, no request would be left to answer the next ones 503.
            throw new IllegalArgumentException(
                    "spillway.ingest.request-heap-share must exceed in-flight-heap-share and be below 1");
        }
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("spillway.ingest.retry-after must not be negative");
        }
    }

    /**
     * How many requests may wait for the broker at once with this maximum heap: {@code max-in-flight},
     * or fewer if that many would hold more than {@code in-flight-heap-share} of it; at least one.
     */
    int inFlightLimit(long maxHeapBytes) {
        long fit = (long) (maxHeapBytes * inFlightHeapShare) / waitingRequestSize.toBytes();
        return (int) Math.max(1, Math.min(maxInFlight, fit));
    }

    /**
     * How many connections Tomcat may hold open with this maximum heap: {@code configured}
     * ({@code server.tomcat.max-connections}), or fewer if that many would hold more than
     * {@code connection-heap-share} of it; at least one.
     */
    int connectionLimit(int configured, long maxHeapBytes) {
        long fit = (long) (maxHeapBytes * connectionHeapShare) / connectionSize.toBytes();
        return (int) Math.max(1, configured < 0 ? fit : Math.min(configured, fit));
    }

    /** How many requests Tomcat may run at once with this maximum heap; at least two. */
    int requestLimit(long maxHeapBytes) {
        return (int) Math.max(2, Math.min(Integer.MAX_VALUE,
                (long) (maxHeapBytes * requestHeapShare) / waitingRequestSize.toBytes()));
    }

    /** Kafka's {@code delivery.timeout.ms}: what is left of the send timeout after blocking. */
    Duration deliveryTimeout() {
        return sendTimeout.minus(maxBlock);
    }
}
