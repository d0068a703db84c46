package io.spillway.ingest.orders;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.ingest.*}.
 *
 * @param sendTimeout the longest a request waits for the broker's acknowledgement before it is
 *     answered 503; the producer's own timeouts are derived from it so that it gives up no later
 * @param maxBlock the longest the producer may block the request thread for metadata or buffer
 *     space (Kafka's {@code max.block.ms}), part of {@code sendTimeout}
 * @param retryAfter what a 503 tells the client to wait before retrying with the same key
 * @param maxInFlight the most orders waiting for the broker at once; one more is answered 503 at
 *     once instead of queueing behind a broker that is not keeping up
 * @param rememberedKeys how many (order id, body fingerprint) pairs are kept to tell a reused
 *     {@code Idempotency-Key} with a different body (about 100 bytes each)
 */
@ConfigurationProperties("spillway.ingest")
record IngestProperties(
        @DefaultValue("2s") Duration sendTimeout,
        @DefaultValue("500ms") Duration maxBlock,
        @DefaultValue("1s") Duration retryAfter,
        @DefaultValue("5000") int maxInFlight,
        @DefaultValue("200000") long rememberedKeys) {

    IngestProperties {
        if (maxBlock.isNegative() || sendTimeout.minus(maxBlock).compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("spillway.ingest.send-timeout (" + sendTimeout
                    + ") must exceed spillway.ingest.max-block (" + maxBlock + ") by at least 100ms");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("spillway.ingest.max-in-flight must be at least 1");
        }
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("spillway.ingest.retry-after must not be negative");
        }
    }

    /** Kafka's {@code delivery.timeout.ms}: what is left of the send timeout after blocking. */
    Duration deliveryTimeout() {
        return sendTimeout.minus(maxBlock);
    }
}
