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
 * @param decidedRetention how long a decided order stays in the order-status table after its
 *     decision; then it is answered from the system of record ({@link #records}). {@code 0} keeps
 *     decided orders for ever (until {@code statusRetention}). Applies only while the system of
 *     record is configured: without it nothing could answer for a forgotten order
 * @param records the read-only access to PostgreSQL's {@code orders} table
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
        @DefaultValue("0") double coldStartDecisionsPerSecond,
        @DefaultValue("1d") Duration decidedRetention,
        @DefaultValue Records records) {

    /**
     * {@code spillway.notifier.records.*}: where decided orders that left the table are read. A
     * blank {@code url} turns the lookup off (and with it {@code decidedRetention}).
     *
     * @param url JDBC URL of the spillway database; blank: no lookup
     * @param username a role that may only SELECT on {@code orders} (docs/notifier.md)
     * @param poolSize connections; one batch query runs at a time, so 2 is plenty
     * @param timeout how long an answer waits for the lookup before it is given without it (the
     *     status as the table has it); also bounds a connection attempt and a query
     * @param batchWindow lookups asked within this window go to the database as one query
     * @param absentFor how long "not in the database" is believed: a burst of reads of an order
     *     that is queued (not decided, so not in {@code orders}) costs one query per window
     */
    public record Records(
            String url,
            String username,
            String password,
            @DefaultValue("2") int poolSize,
            @DefaultValue("500ms") Duration timeout,
            @DefaultValue("20ms") Duration batchWindow,
            @DefaultValue("5s") Duration absentFor) {

        public Records {
            if (poolSize < 1) {
                throw new IllegalArgumentException("spillway.notifier.records.pool-size must be at least 1");
            }
            if (timeout.isNegative() || timeout.isZero() || batchWindow.isNegative() || absentFor.isNegative()) {
                throw new IllegalArgumentException(
                        "spillway.notifier.records.timeout must be positive, batch-window and absent-for not negative");
            }
        }

        public boolean enabled() {
            return url != null && !url.isBlank();
        }

        /** Without the password: settings may be logged. */
        @Override
        public String toString() {
            return "Records[url=" + url + ", username=" + username + ", poolSize=" + poolSize + ", timeout=" + timeout
                    + ", batchWindow=" + batchWindow + ", absentFor=" + absentFor + "]";
        }
    }

    /** {@link #decidedRetention}, or zero (decided orders stay) when there is no system of record to ask. */
    public Duration decidedRetentionInForce() {
        return records.enabled() ? decidedRetention : Duration.ZERO;
    }

    public NotifierProperties {
        if (records == null) {
            records = new Records(null, null, null, 2, Duration.ofMillis(500), Duration.ofMillis(20), Duration.ofSeconds(5));
        }
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
        if (decidedRetention.isNegative()) {
            throw new IllegalArgumentException("spillway.notifier.decided-retention must not be negative");
        }
        if (heartbeat.isZero() || heartbeat.isNegative() || heartbeat.compareTo(Duration.ofSeconds(15)) > 0) {
            throw new IllegalArgumentException("spillway.notifier.heartbeat must be more than 0 and at most 15s");
        }
    }
}
