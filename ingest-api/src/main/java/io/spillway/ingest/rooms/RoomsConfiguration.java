package io.spillway.ingest.rooms;

import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.ingest.orders.IngestProperties;
import io.spillway.ingest.orders.ProducerWarmup;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/**
 * The room's door: its log of entries on a producer of its own, set as the orders' is
 * ({@code acks=all}, idempotent, bounded by {@code spillway.ingest.send-timeout}): a join is an
 * order's twin at the door, in bursts as large. The view of the rooms is the catalogue view's.
 */
@Configuration(proxyBeanMethods = false)
class RoomsConfiguration {

    /**
     * Entries waiting for the broker at once, beyond which the door answers 503 at once: a burst of
     * joins is as large as an opening's burst of orders, and each waits about a broker round trip.
     */
    static final int MAX_ENTRIES_IN_FLIGHT = 4_096;

    @Bean(destroyMethod = "close")
    EntryLog entryLog(
            KafkaProperties kafka, KafkaConnectionDetails connection, AdmissionTopics topics, IngestProperties settings) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getProducer().getBootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "ingest-entries");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.maxBlock().toMillis());
        int deliveryTimeout = (int) settings.sendTimeout().minus(settings.maxBlock()).toMillis();
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeout);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, deliveryTimeout);
        // As for orders: a topic not sent to for five minutes would cost the next join a metadata wait.
        config.putIfAbsent(ProducerConfig.METADATA_MAX_IDLE_CONFIG, Duration.ofDays(1).toMillis());
        DefaultKafkaProducerFactory<String, byte[]> factory =
                new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer());
        factory.setPhysicalCloseTimeout(5);
        KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(factory);
        // EntryLog logs each failure itself.
        template.setProducerListener(new ProducerListener<>() {});
        return new EntryLog(template, topics, settings.retryAfter(), MAX_ENTRIES_IN_FLIGHT,
                new ProducerWarmup(template, topics.entries(), Duration.ofSeconds(1)));
    }
}
