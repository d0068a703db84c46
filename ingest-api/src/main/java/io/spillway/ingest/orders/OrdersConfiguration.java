package io.spillway.ingest.orders;

import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.Topics;
import io.spillway.ingest.catalog.CatalogView;
import io.spillway.ingest.catalog.SaleBook;
import io.spillway.ingest.metrics.IngestMetrics;
import io.spillway.ingest.ratelimit.RateLimitProperties;
import io.spillway.ingest.ratelimit.RateLimits;
import io.micrometer.observation.ObservationPredicate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.ProducerListener;

/**
 * The producer of {@code orders.requested} and the intake around it. The settings that the 202
 * promise rests on ({@code acks=all}, idempotence, timeouts no longer than the request waits) are
 * set here, after {@code spring.kafka.producer.*}, so that configuration cannot weaken them; the
 * tunables (linger, compression) stay in {@code application.yml}.
 */
@Configuration(proxyBeanMethods = false)
class OrdersConfiguration {

    /** Pending records expire within the delivery timeout, so closing never needs long. */
    private static final int CLOSE_TIMEOUT_SECONDS = 5;

    private static final Duration METADATA_MAX_IDLE = Duration.ofDays(1);
    private static final Duration WARMUP_RETRY = Duration.ofSeconds(1);
    private static final Duration HEAP_VERDICT_TRUST = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(OrdersConfiguration.class);

    @Bean
    ProducerFactory<String, OrderRequested> orderProducerFactory(
            KafkaProperties kafka, KafkaConnectionDetails connection, IngestProperties settings) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getProducer().getBootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.maxBlock().toMillis());
        long deliveryTimeout = settings.deliveryTimeout().toMillis();
        long linger = Long.parseLong(String.valueOf(config.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, 0)));
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        if (deliveryTimeout - linger < 50) {
            throw new IllegalStateException("spillway.ingest.send-timeout minus max-block (" + deliveryTimeout
                    + "ms) leaves no time for a request after linger.ms (" + linger + "ms)");
        }
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (deliveryTimeout - linger));
        // The producer forgets a topic it has not sent to for this long (default 5 minutes), and the
        // next send then waits for metadata again: an instance warmed at 08:00 for a sale opening at
        // 09:00 would pay for it on the opening's first orders. Metadata itself is still refreshed
        // every metadata.max.age.ms.
        config.putIfAbsent(ProducerConfig.METADATA_MAX_IDLE_CONFIG, METADATA_MAX_IDLE.toMillis());
        DefaultKafkaProducerFactory<String, OrderRequested> factory =
                new DefaultKafkaProducerFactory<>(config, new StringSerializer(), EventSerde.requests());
        factory.setPhysicalCloseTimeout(CLOSE_TIMEOUT_SECONDS);
        return factory;
    }

    @Bean
    KafkaTemplate<String, OrderRequested> orderTemplate(ProducerFactory<String, OrderRequested> factory) {
        KafkaTemplate<String, OrderRequested> template = new KafkaTemplate<>(factory);
        // KafkaOrderLog logs and measures each failure itself; the default listener would log the
        // whole record at ERROR once more for every refused request during a broker outage.
        template.setProducerListener(new ProducerListener<>() {});
        return template;
    }

    /** Readiness waits for it (management.endpoint.health.group.readiness in application.yml). */
    @Bean
    ProducerWarmup orderProducerWarmup(KafkaTemplate<String, OrderRequested> orderTemplate, Topics topics) {
        return new ProducerWarmup(orderTemplate, topics.requested(), WARMUP_RETRY);
    }

    @Bean
    TomcatLimits tomcatLimits(IngestProperties settings) {
        return new TomcatLimits(settings, Runtime.getRuntime().maxMemory());
    }

    /** Trusted for a second after each collection (HeapGate says why). */
    @Bean(destroyMethod = "close")
    HeapGate heapGate(IngestProperties settings) {
        return HeapGate.listening(settings.shedAboveHeapShare(), HEAP_VERDICT_TRUST);
    }

    @Bean
    OrderLog orderLog(
            KafkaTemplate<String, OrderRequested> orderTemplate, Topics topics, IngestProperties settings,
            IngestMetrics metrics, HeapGate heapGate) {
        long maxHeap = Runtime.getRuntime().maxMemory();
        int limit = settings.inFlightLimit(maxHeap);
        log.info("at most {} orders wait for the broker at once (max-in-flight {}, {}% of a {} MiB heap at {} KiB each)",
                limit, settings.maxInFlight(), Math.round(settings.inFlightHeapShare() * 100), maxHeap >> 20,
                settings.waitingRequestSize().toKilobytes());
        return new KafkaOrderLog(orderTemplate, topics, settings, metrics, heapGate, limit);
    }

    /** The instance's memory of recent keys: one, whatever takes orders through it. */
    @Bean
    BodyFingerprints bodyFingerprints(IngestProperties settings) {
        return new BodyFingerprints(settings.rememberedKeys());
    }

    @Bean
    OrderIntake orderIntake(
            OrderLog orderLog, ObjectProvider<OrderTokens> tokens, CatalogView view, SaleBook book, RateLimits limits,
            BodyFingerprints fingerprints, IngestProperties settings) {
        return new OrderIntake(orderLog, RequiredSecrets.orderTokens(tokens), Clock.systemUTC(), view::isCaughtUp, book,
                limits, fingerprints, settings);
    }

    /** The warm-up's requests are not buyers': they stay out of {@code http.server.requests}. */
    @Bean
    ObservationPredicate warmupRequestsUnobserved(DoorWarmup warmup) {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request && warmup.isWarmup(request.getCarrier()));
    }

    /** Run by the contract's WarmupGate before readiness; the controller routes its requests. */
    @Bean
    DoorWarmup doorWarmup(
            ObjectProvider<OrderTokens> tokens, RateLimitProperties limits, IngestProperties settings, Environment environment) {
        return new DoorWarmup(() -> environment.getRequiredProperty("local.server.port", Integer.class),
                RequiredSecrets.orderTokens(tokens), limits, settings);
    }
}
