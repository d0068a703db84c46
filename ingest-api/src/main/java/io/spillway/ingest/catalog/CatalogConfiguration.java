package io.spillway.ingest.catalog;

import io.spillway.contract.Topics;
import io.spillway.ingest.rooms.RoomBook;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The sale view: one {@link SaleBook} (and the rooms' {@link RoomBook}) fed by one {@link CatalogView}. The view is a global-only
 * Kafka Streams topology, so its application id names no consumer group that instances would share;
 * it is unique per instance, and so is its (empty) state directory, so that several instances, or
 * several services in one JVM, never contend for one.
 */
@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    @Bean
    SaleBook saleBook() {
        return new SaleBook();
    }

    @Bean
    RoomBook roomBook() {
        return new RoomBook();
    }

    @Bean
    CatalogView catalogView(
            SaleBook book, RoomBook rooms, Topics topics, KafkaProperties kafka, KafkaConnectionDetails connection, Environment environment) {
        // The connection's security (TLS, SASL: spring.kafka.properties.*, .ssl, .security) as every
        // other client of this service has it; on the secured cluster a bare bootstrap address fails.
        Map<String, Object> config = new HashMap<>(kafka.buildAdminProperties(null));
        String id = environment.getProperty("spring.application.name", "ingest-api") + "-sale-view-" + UUID.randomUUID();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, id);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", connection.getStreams().getBootstrapServers()));
        try {
            config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("ingest-sale-view").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Catalogue records are at most 0.64 MiB by design; fetch up to the topics' 8 MiB limit anyway.
        config.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                Topics.MAX_CATALOG_RECORD_BYTES);
        return new CatalogView(book, rooms, topics, config);
    }
}
