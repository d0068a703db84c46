package io.spillway.notifier.queue;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.spillway.notifier.NotifierProperties;
import io.spillway.notifier.status.OwnerChanges;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The queue model, what keeps it current, and the audit of its ETAs.
 *
 * <p>Metrics: {@code spillway.notifier.eta.error.ratio} (|given − actual| / actual, actual at least
 * 1 s) and {@code spillway.notifier.eta.error.seconds} (given − actual, signed: positive means the
 * buyer was told to wait longer than they did), both with p50/p90/p99; {@code
 * spillway.notifier.eta.audited} (orders whose first ETA awaits its outcome).
 */
@Configuration(proxyBeanMethods = false)
class QueueConfiguration {

    @Bean
    QueueModel queueModel(NotifierProperties settings, MeterRegistry meters) {
        DistributionSummary ratio = DistributionSummary.builder("spillway.notifier.eta.error.ratio")
                .description("Relative error of the ETA an order was given when first seen, against its actual wait")
                .publishPercentiles(0.5, 0.9, 0.99)
                .register(meters);
        DistributionSummary seconds = DistributionSummary.builder("spillway.notifier.eta.error.seconds")
                .description("ETA given when first seen minus the actual wait, in seconds")
                .baseUnit("seconds")
                .publishPercentiles(0.5, 0.9, 0.99)
                .register(meters);
        QueueModel model = new QueueModel(settings.coldStartDecisionsPerSecond(), (given, actual) -> {
            seconds.record(given - actual);
            ratio.record(Math.abs(given - actual) / Math.max(1.0, actual));
        });
        Gauge.builder("spillway.notifier.eta.audited", model, QueueModel::audited)
                .description("Orders whose first ETA awaits its outcome")
                .register(meters);
        return model;
    }

    /** The first time the table holds a queued order, on the one instance that owns it. */
    @Bean
    OwnerChanges etaAtEnqueue(QueueModel queueModel) {
        return status -> {
            if (!status.isDecided() && status.requestPartition() != null) {
                queueModel.firstSeen(status.requestPartition(), status.requestOffset(), System.nanoTime() / 1_000_000);
            }
        };
    }
}
