package io.spillway.ingest.holds;

import io.spillway.contract.Topics;
import io.spillway.contract.spring.HoldsProperties;
import io.spillway.ingest.metrics.IngestMetrics;
import io.spillway.ingest.orders.IngestProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.ProducerListener;

/**
 * The payment and cancel doors: the payment credential, the holds view and the producer of
 * {@code orders.commands}. The producer's settings that the 202 and the payment grace rest on
 * ({@code acks=all}, idempotence, blocking plus delivery within the payment send timeout) are set
 * here, after {@code spring.kafka.producer.*}, so that configuration cannot weaken them.
 */
@Configuration(proxyBeanMethods = false)
class HoldsConfiguration {

    /** Pending commands expire within the send timeout, so closing never needs long. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Refuses to start without a valid payment token: a door that anyone, or no one, could open is worse than none. */
    @Bean
    PaymentCredential paymentCredential(PaymentProperties properties) {
        try {
            return new PaymentCredential(properties.tokens());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("spillway.ingest.payment.tokens is not valid (" + e.getMessage()
                    + "): set SPILLWAY_PAYMENT_TOKEN to the payment system's credential, at least "
                    + PaymentCredential.MINIMUM_TOKEN_BYTES + " bytes (two, comma-separated, during a rotation)", e);
        }
    }

    @Bean
    HoldBook holdBook(PaymentProperties properties) {
        return new HoldBook(properties.forgetAfter());
    }

    @Bean
    HoldsView holdsView(
            HoldBook book, Topics topics, KafkaProperties kafka, KafkaConnectionDetails connection,
            IngestMetrics metrics) {
        // The connection's security (TLS, SASL), as every other client of this service has it.
        Map<String, Object> config = new HashMap<>(kafka.buildAdminProperties(null));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getConsumer().getBootstrapServers());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-holds-view");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A topic that does not exist yet keeps the view not caught up; it is never created by reading.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Asking for a missing topic's metadata every 100 ms (the default) logs a warning each time.
        config.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, 1_000);
        config.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1_000);
        HoldsView view = new HoldsView(book, topics.holds(), config, Clock.systemUTC());
        metrics.holdsView(book::size, view::skipped);
        return view;
    }

    @Bean
    ProducerFactory<String, byte[]> commandProducerFactory(
            KafkaProperties kafka, KafkaConnectionDetails connection, HoldsProperties holds) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getProducer().getBootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "ingest-commands");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Commands are few and each waits for its answer: no lingering.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // A quarter of the send timeout for metadata and buffer space, the rest for the broker: a
        // command is appended within the send timeout of its acceptedAt, or never.
        long sendTimeout = holds.paymentSendTimeout().toMillis();
        long maxBlock = sendTimeout / 4;
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) (sendTimeout - maxBlock));
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (sendTimeout - maxBlock));
        config.putIfAbsent(ProducerConfig.METADATA_MAX_IDLE_CONFIG, Duration.ofDays(1).toMillis());
        DefaultKafkaProducerFactory<String, byte[]> factory =
                new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer());
        factory.setPhysicalCloseTimeout((int) CLOSE_TIMEOUT.toSeconds());
        return factory;
    }

    @Bean
    KafkaTemplate<String, byte[]> commandTemplate(ProducerFactory<String, byte[]> commandProducerFactory) {
        KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(commandProducerFactory);
        // CommandLog logs each failure itself.
        template.setProducerListener(new ProducerListener<>() {});
        return template;
    }

    @Bean
    CommandLog commandLog(
            KafkaTemplate<String, byte[]> commandTemplate, Topics topics, IngestProperties settings,
            PaymentProperties properties) {
        return new CommandLog(commandTemplate, topics, Clock.systemUTC(), settings.retryAfter(), properties.maxInFlight());
    }
}
