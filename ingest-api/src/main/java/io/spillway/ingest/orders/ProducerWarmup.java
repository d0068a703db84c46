package io.spillway.ingest.orders;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Gets the order producer ready before the instance says it is: creates the producer, connects it
 * and fetches the metadata of {@code orders.requested}, and until that is done reports DOWN in the
 * readiness group. Without it the first send after start-up pays for the connection and the
 * metadata, and with {@code max.block.ms} at 500 ms the first orders of a freshly started instance
 * could be answered 503 although the broker was fine.
 *
 * <p>It runs off the start-up thread (a broker that is away must not keep the service from coming
 * up, not ready) and tries again every {@code retryDelay} until it succeeds. Once warm it stays
 * warm: the producer keeps the topic's metadata fresh by itself (the factory sets
 * {@code metadata.max.idle.ms} long enough that a quiet hour before a sale does not drop it). Later
 * broker trouble is the door's to report, through its 503s, not readiness'.
 */
public final class ProducerWarmup implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ProducerWarmup.class);

    private final KafkaTemplate<?, ?> template;
    private final String topic;
    private final Duration retryDelay;
    private final ScheduledExecutorService worker;
    private volatile int partitions;
    private volatile boolean started;

    public ProducerWarmup(KafkaTemplate<?, ?> template, String topic, Duration retryDelay) {
        this.template = template;
        this.topic = topic;
        this.retryDelay = retryDelay;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "producer-warmup-" + topic);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** True once the producer is connected and knows the partitions of {@code orders.requested}. */
    boolean isWarm() {
        return partitions > 0;
    }

    @Override
    public Health health() {
        return (isWarm() ? Health.up() : Health.down())
                .withDetail("topic", topic)
                .withDetail("partitions", partitions)
                .build();
    }

    @Override
    public void start() {
        started = true;
        worker.execute(this::warm);
    }

    private void warm() {
        if (!started) {
            return;
        }
        try {
            // Blocks at most max.block.ms; a missing topic or an absent broker ends in a KafkaException.
            List<PartitionInfo> found = template.partitionsFor(topic);
            if (found != null && !found.isEmpty()) {
                partitions = found.size();
                log.info("producer ready: {} has {} partitions", topic, partitions);
                return;
            }
            log.info("producer not ready yet: no partitions of {}, retrying in {}", topic, retryDelay);
        } catch (KafkaException e) {
            log.info("producer for {} not ready yet ({}), retrying in {}", topic, e.toString(), retryDelay);
        }
        try {
            worker.schedule(this::warm, retryDelay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping: nothing left to warm.
        }
    }

    @Override
    public void stop() {
        started = false;
        worker.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return started;
    }
}
