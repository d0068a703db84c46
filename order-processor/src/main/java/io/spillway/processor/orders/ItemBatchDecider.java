package io.spillway.processor.orders;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderRequested;
import io.spillway.processor.reservation.ItemLedger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides one item's orders of a batch in one database transaction: read the item, its seats, the
 * buyers' holdings and the orders already decided; let {@link ItemLedger} decide; write the changes
 * and the new decisions together.
 *
 * <p>When another processor wrote the same rows in between (two instances overlapping during a
 * rebalance), a guarded write fails, the transaction rolls back and the whole item batch is decided
 * again from fresh state, a bounded number of times with jittered exponential back-off. Orders the
 * other processor decided are then found in {@code orders} and replayed, not decided again.
 */
@Component
class ItemBatchDecider {

    private final DecisionStore store;
    private final TransactionTemplate transactions;
    private final RetryTemplate conflictRetry;
    private final Clock clock;
    private final DecisionMetrics metrics;

    ItemBatchDecider(
            DecisionStore store,
            PlatformTransactionManager transactionManager,
            ProcessorSettings settings,
            Clock clock,
            DecisionMetrics metrics) {
        this.store = store;
        this.transactions = new TransactionTemplate(transactionManager);
        ProcessorSettings.Conflicts conflicts = settings.conflicts();
        this.conflictRetry = RetryTemplate.builder()
                .maxAttempts(conflicts.maxAttempts())
                .exponentialBackoff(
                        conflicts.initialBackoff().toMillis(),
                        conflicts.multiplier(),
                        conflicts.maxBackoff().toMillis(),
                        true)
                // Deadlocks and lock timeouts are ConcurrencyFailureExceptions: the same race, lost differently.
                .retryOn(List.of(
                        ConcurrentDecisionException.class,
                        DuplicateKeyException.class,
                        ConcurrencyFailureException.class))
                .traversingCauses()
                .build();
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The decision on every request, in the order given; duplicates and earlier orders are replayed. */
    List<OrderDecision> decide(ItemKey item, List<OrderRequested> requests) {
        // The database keeps microseconds; deciding on what it stores makes a replay equal the original.
        List<OrderRequested> normalized = requests.stream().map(ItemBatchDecider::toMicros).toList();
        Outcome outcome = conflictRetry.execute(context -> {
            if (context.getRetryCount() > 0) {
                metrics.conflictRetried();
            }
            return transactions.execute(status -> decideOnce(item, normalized));
        });
        outcome.fresh().forEach(metrics::decided);
        metrics.replayed(outcome.all().size() - outcome.fresh().size());
        return outcome.all();
    }

    private Outcome decideOnce(ItemKey item, List<OrderRequested> requests) {
        ItemSnapshot snapshot = store.load(item, requests);
        ItemLedger ledger = snapshot.ledger();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<OrderDecision> decisions =
                requests.stream().map(request -> ledger.decide(request, now)).toList();
        store.write(snapshot, ledger);
        return new Outcome(decisions, ledger.newDecisions());
    }

    private static OrderRequested toMicros(OrderRequested request) {
        Instant requestedAt = request.requestedAt().truncatedTo(ChronoUnit.MICROS);
        if (requestedAt.equals(request.requestedAt())) {
            return request;
        }
        return new OrderRequested(
                request.schemaVersion(),
                request.orderId(),
                request.customerId(),
                request.saleId(),
                request.sku(),
                request.quantity(),
                request.seatIds(),
                requestedAt);
    }

    private record Outcome(List<OrderDecision> all, List<OrderDecision> fresh) {}
}
