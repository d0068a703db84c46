package io.spillway.inventory.catalog;

import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.Topics;
import io.spillway.contract.admission.AdmissionTopics;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The catalogue relay (sales, availability and rooms) and its producer: {@code acks=all} and idempotent, compressed (a seat list
 * compresses well) and allowed records as large as the catalogue topics take. Its buffer holds a
 * poll's seat chunks in flight; {@code send} blocks (up to {@code publish-timeout}) when it is full.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spillway.inventory.catalog.enabled", havingValue = "true", matchIfMissing = true)
class CatalogConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    CatalogRelay catalogRelay(
            JdbcTemplate jdbc, KafkaProperties kafka, KafkaConnectionDetails connection, Topics topics,
            AdmissionTopics admissionTopics, CatalogProperties settings, MeterRegistry meters) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getProducer().getBootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_CATALOG_RECORD_BYTES);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * Topics.MAX_CATALOG_RECORD_BYTES);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) settings.publishTimeout().toMillis());
        DefaultKafkaProducerFactory<String, Object> factory =
                new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new CatalogValues());
        return new CatalogRelay(new CatalogSource(jdbc), new KafkaTemplate<>(factory), topics, admissionTopics, settings,
                new PublishFailures(meters));
    }
}
