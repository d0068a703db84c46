package io.spillway.notifier.entries;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.notifier.NotifierProperties;
import io.spillway.notifier.orders.Subscriptions;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Entries in admission rooms: the admissions view every instance holds, its feed, and the entry
 * endpoints (docs/notifier.md, "Entries").
 *
 * <p>Metrics: {@code spillway.notifier.admissions.entries} (entries in this instance's view),
 * {@code spillway.notifier.admissions.skipped} (records of the admissions topic that could not be
 * read), and the ETA audit of entries as the orders' ({@code spillway.notifier.admission.eta.error.ratio},
 * {@code …seconds}, {@code spillway.notifier.admission.eta.audited}).
 */
@Configuration(proxyBeanMethods = false)
class EntriesConfiguration {

    /**
     * How long a decided entry stays in the view after its admission or close. An admission's token
     * lasts {@code sessionSeconds} (minutes to hours); a day covers a reload long after, as the
     * orders' decided retention does.
     */
    static final Duration DECIDED_ENTRIES_KEPT = Duration.ofDays(1);

    @Bean
    AdmissionsView admissionsView(MeterRegistry meters) {
        DistributionSummary ratio = DistributionSummary.builder("spillway.notifier.admission.eta.error.ratio")
                .description("Relative error of the ETA an entry was given at its waiting event, against its actual wait")
                .publishPercentiles(0.5, 0.9, 0.99)
                // Two significant digits: the median is compared with a 5 % target.
                .percentilePrecision(2)
                .register(meters);
        DistributionSummary seconds = DistributionSummary.builder("spillway.notifier.admission.eta.error.seconds")
                .description("|ETA given at an entry's waiting event - its actual wait|, in seconds")
                .baseUnit("seconds")
                .publishPercentiles(0.5, 0.9, 0.99)
                .register(meters);
        EntryEtaAudit audit = new EntryEtaAudit((given, actual) -> {
            // Absolute: a distribution summary drops negative values.
            seconds.record(Math.abs(given - actual));
            ratio.record(Math.abs(given - actual) / Math.max(1.0, actual));
        });
        Gauge.builder("spillway.notifier.admission.eta.audited", audit, EntryEtaAudit::audited)
                .description("Entries whose ETA awaits their admission")
                .register(meters);
        AdmissionsView view = new AdmissionsView(audit);
        Gauge.builder("spillway.notifier.admissions.entries", view, AdmissionsView::entries)
                .description("Entries in this instance's admissions view")
                .register(meters);
        FunctionCounter.builder("spillway.notifier.admissions.skipped", view, AdmissionsView::skippedRecords)
                .description("Records of the admissions topic skipped as unreadable")
                .register(meters);
        return view;
    }

    @Bean
    EntryViews entryViews(AdmissionsView admissionsView) {
        return new EntryViews(admissionsView, Clock.systemUTC());
    }

    @Bean
    RouterFunction<ServerResponse> entryRoutes(ObjectProvider<OrderTokens> tokens, EntryViews entryViews,
            ObjectMapper objectMapper, Subscriptions subscriptions) {
        OrderTokens orderTokens = tokens.getIfAvailable();
        if (orderTokens == null) {
            throw new IllegalStateException(
                    "spillway.order-token.secret (SPILLWAY_ORDER_TOKEN_SECRET) is required: it checks entry tokens");
        }
        // As for the order streams: one shared buffer pool, not one per thread.
        ObjectMapper streamJson = objectMapper.copy();
        streamJson.getFactory().setRecyclerPool(JsonRecyclerPools.sharedConcurrentDequePool());
        // The streams' host looks at the rooms' progress once a second with the order lines.
        subscriptions.followLine(entryViews.view()::version);
        return new EntryRoutes(orderTokens, entryViews, new EntryStory(entryViews, streamJson), subscriptions).routes();
    }

    @Bean
    AdmissionFeed admissionFeed(KafkaProperties kafka, SslBundles sslBundles, AdmissionTopics topics,
            NotifierProperties settings, AdmissionsView admissionsView, Subscriptions subscriptions) {
        return new AdmissionFeed(topics.admissions(), kafka.buildConsumerProperties(sslBundles),
                settings.applicationId() + "-admissions", admissionsView, subscriptions, DECIDED_ENTRIES_KEPT,
                Clock.systemUTC());
    }

    /** {@code admissionsView} in the health groups; application.yml puts it in readiness. */
    @Bean
    HealthIndicator admissionsViewHealthIndicator(AdmissionFeed admissionFeed) {
        return () -> admissionFeed.caughtUp() ? Health.up().build()
                : Health.outOfService().withDetail("admissions", "reading the topic").build();
    }
}
