package io.spillway.notifier;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.notifier.*}. The defaults are also in {@code application.yml}; they are repeated
 * here so that the notifier behaves the same when it is started inside another application's JVM
 * (the e2e module) and a different {@code application.yml} wins on the classpath.
 *
 * @param applicationId Kafka Streams application id: names the notifier's consumer group and its
 *     internal topics, so two notifiers with the same id share (and split) one table
 * @param stateDir where Kafka Streams keeps the local copy of the order-status table
 * @param processorGroup the order-processor's consumer group, whose committed offsets say how far
 *     each line has moved
 * @param heartbeat how long an event stream may stay silent before a comment line is sent (the
 *     contract allows at most 15 s)
 * @param queuedUpdateInterval the least time between two {@code queued} events of one stream
 * @param retry the reconnection delay sent to clients as {@code retry:}
 * @param streamTimeout how long one event-stream connection may last; the client then reconnects
 *     with {@code Last-Event-ID}
 * @param statusTopic the compacted topic that carries the order-status table to every instance;
 *     by default {@code <applicationId>-status}, so instances sharing an application id share it
 * @param maxStreamsPerOrder open event streams one order may have on this instance; one more is
 *     answered 429 (a buyer has a few tabs and devices, not hundreds)
 * @param statusRetention how long the status topic (and the table's changelog) keep an order after
 *     its last change, on top of compaction; {@code 0} keeps every order for ever. Orders older
 *     than this read as not visible yet (QUEUED) on an instance that restores its table
 * @param streamThreads Kafka Streams threads of the order-status table; every decision costs two
 *     deserializations, two serializations and a RocksDB read and write on one of them, and at
 *     thousands of decisions a second one thread falls behind
 * @param coldStartDecisionsPerSecond the speed assumed for a line before any line's speed has been
 *     measured; 0 (the default) gives no ETA rather than an invented one
 */
@ConfigurationProperties("spillway.notifier")
public record NotifierProperties(
        @DefaultValue("notifier") String applicationId,
        Path stateDir,
        @DefaultValue("order-processor") String processorGroup,
        @DefaultValue("10s") Duration heartbeat,
        @DefaultValue("1s") Duration queuedUpdateInterval,
        @DefaultValue("3s") Duration retry,
        @DefaultValue("30m") Duration streamTimeout,
        String statusTopic,
        @DefaultValue("8") int maxStreamsPerOrder,
        @DefaultValue("3d") Duration statusRetention,
        @DefaultValue("2") int streamThreads,
        @DefaultValue("0") double coldStartDecisionsPerSecond) {

    public NotifierProperties {
        if (stateDir == null) {
            stateDir = Path.of(System.getProperty("java.io.tmpdir"), "spillway-notifier");
        }
        if (statusTopic == null || statusTopic.isBlank()) {
            statusTopic = applicationId + "-status";
        }
        if (maxStreamsPerOrder < 1) {
            throw new IllegalArgumentException("spillway.notifier.max-streams-per-order must be at least 1");
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("spillway.notifier.stream-threads must be at least 1");
        }
        if (statusRetention.isNegative()) {
            throw new IllegalArgumentException("spillway.notifier.status-retention must not be negative");
        }
        if (coldStartDecisionsPerSecond < 0) {
            throw new IllegalArgumentException("spillway.notifier.cold-start-decisions-per-second must not be negative");
        }
        if (heartbeat.isZero() || heartbeat.isNegative() || heartbeat.compareTo(Duration.ofSeconds(15)) > 0) {
            throw new IllegalArgumentException("spillway.notifier.heartbeat must be more than 0 and at most 15s");
        }
    }
}
