package io.spillway.processor.store;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderQueued;
import io.spillway.contract.OrderResult;
import io.spillway.contract.OrderRequested;
import io.spillway.processor.ProcessorProperties;
import io.spillway.processor.operations.DecisionMetrics;
import io.spillway.processor.operations.HoldMetrics;
import io.spillway.processor.publish.OutboxRelay;
import io.spillway.processor.reservation.Holding;
import io.spillway.processor.reservation.ItemState;
import io.spillway.processor.reservation.SaleDecisions;
import io.spillway.processor.reservation.SaleLedger;
import io.spillway.processor.reservation.Seat;
import io.spillway.processor.store.PollSnapshot.Versioned;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides every order of one poll in one database transaction: read the state of all the poll's items
 * (sales, items, seats, the buyers' holdings, the orders already decided) with one query per table;
 * let a {@link SaleLedger} decide them (one ledger per item, each item's orders in partition order,
 * the buyers' holdings shared across a sale's items, repeated orders replayed); write all the
 * changes with one statement per table, among them one version-guarded {@code UPDATE} that covers
 * every changed item.
 *
 * <p>Why one transaction for the whole poll rather than one per item: a transaction costs the same
 * handful of round trips whether it decides one item or a thousand, and every order of a poll waits
 * for the whole poll anyway (its offsets are committed together). Deciding items one transaction
 * after another made a poll spread over many items as slow as that many transactions. Each item is
 * still decided in partition order with one conditional update of its row per poll.
 *
 * <p>This class is the transaction around the rules: it retries, counts and translates the snapshot
 * into the reservation package's types; what is decided is {@link SaleLedger}'s alone.
 *
 * <p>When another processor wrote the same rows in between (two instances overlapping during a
 * rebalance), a guarded write fails, the transaction rolls back and the whole poll is decided again
 * from fresh state, a bounded number of times with jittered exponential back-off. Orders the other
 * processor decided are then found in {@code orders} and replayed, not decided again.
 *
 * <p>A transaction the database refuses for the orders' values ({@link Refusals}) is not retried
 * here: it fails as {@link RefusedByDatabaseException}, and the listener splits the poll.
 */
@Component
public class PollDecider {

    private final DecisionStore store;
    private final TransactionTemplate transactions;
    private final RetryTemplate conflictRetry;
    private final Clock clock;
    private final DecisionMetrics metrics;
    private final HoldMetrics holdMetrics;

    PollDecider(
            DecisionStore store,
            PlatformTransactionManager transactionManager,
            ProcessorProperties settings,
            Clock clock,
            DecisionMetrics metrics,
            HoldMetrics holdMetrics) {
        this.store = store;
        this.transactions = new TransactionTemplate(transactionManager);
        ProcessorProperties.Conflicts conflicts = settings.conflicts();
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
        this.holdMetrics = holdMetrics;
    }

    /**
     * The decision on every request, item by item in the order given and, per item, in the order of its
     * requests; duplicates and earlier orders are replayed.
     *
     * @throws RefusedByDatabaseException if the transaction failed for what the orders hold; nothing
     *     of it is written
     */
    public List<OrderResult> decide(Map<ItemKey, List<OrderRequested>> byItem) {
        return decide(byItem, Map.of());
    }

    /**
     * As {@link #decide(Map)}, recording for each item the line (partition) its orders came from: the
     * line whose owner ends their holds. An order the intake cancelled before it arrived is answered
     * with its {@link OrderCancelled} and takes nothing.
     */
    public List<OrderResult> decide(Map<ItemKey, List<OrderRequested>> byItem, Map<ItemKey, Integer> lines) {
        return decide(byItem, lines, null);
    }

    /**
     * What the opening's drain does in the transaction that decides a batch of parked orders, after
     * the decisions are written: it gets every answer in the order given and returns what it wants back.
     */
    interface Within {
        List<OutboxRelay.Row> complete(List<OrderResult> answers);
    }

    /** A batch of parked orders decided, and the outbox rows its transaction wrote. */
    record Drained(List<OrderResult> answers, List<OutboxRelay.Row> outbox) {}

    /**
     * Decides parked orders (docs/opening.md) exactly as a poll's, never parking them again, with
     * {@code within} in the same transaction.
     */
    Drained decideParked(Map<ItemKey, List<OrderRequested>> byItem, Map<ItemKey, Integer> lines, Within within) {
        List<List<OutboxRelay.Row>> rows = new ArrayList<>(1);
        List<OrderResult> answers = decide(byItem, lines, answered -> {
            rows.clear();
            rows.add(within.complete(answered));
        });
        return new Drained(answers, rows.isEmpty() ? List.of() : rows.get(0));
    }

    private interface Hook {
        void run(List<OrderResult> answers);
    }

    /**
     * @param drain null for a poll: the orders of an item waiting for its opening are parked and
     *     answered {@link OrderQueued}; otherwise parked orders being decided, and what else their
     *     transaction does
     */
    private List<OrderResult> decide(Map<ItemKey, List<OrderRequested>> byItem, Map<ItemKey, Integer> lines, Hook drain) {
        if (byItem.isEmpty()) {
            return List.of();
        }
        // The database keeps microseconds; deciding on what it stores makes a replay equal the original.
        Map<ItemKey, List<OrderRequested>> normalized = new LinkedHashMap<>();
        byItem.forEach((item, requests) ->
                normalized.put(item, requests.stream().map(PollDecider::toMicros).toList()));
        SaleDecisions outcome;
        List<OrderResult> answers = new ArrayList<>();
        try {
            outcome = conflictRetry.execute(context -> {
                if (context.getRetryCount() > 0) {
                    metrics.conflictRetried();
                }
                return transactions.execute(status -> {
                    answers.clear();
                    PollSnapshot snapshot = store.load(normalized);
                    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
                    // Items waiting for their opening (only those whose line is known: a poll's).
                    Map<ItemKey, Openings.Gate> gates = drain != null
                            ? Map.of()
                            : new HashMap<>(Openings.gates(store.jdbc(), snapshot.sales(), lines.keySet()));
                    Map<ItemKey, List<OrderRequested>> toDecide = new LinkedHashMap<>();
                    List<OrderRequested> cancelled = new ArrayList<>();
                    List<OrderRequested> parked = new ArrayList<>();
                    normalized.forEach((item, requests) -> {
                        List<OrderRequested> open = new ArrayList<>();
                        for (OrderRequested request : requests) {
                            if (snapshot.cancelledQueued().containsKey(request.orderId())) {
                                cancelled.add(request);
                            } else if (Openings.parks(gates, request, snapshot.earlier())) {
                                parked.add(request);
                            } else {
                                open.add(request);
                            }
                        }
                        if (!open.isEmpty()) {
                            toDecide.put(item, open);
                        }
                    });
                    SaleDecisions decisions = decideOn(snapshot, toDecide, now);
                    store.write(snapshot, decisions, lines, cancelled);
                    Map<OrderId, OrderQueued> queued = new HashMap<>();
                    Openings.park(store.jdbc(), parked, gates, lines, now)
                            .forEach(answer -> queued.put(answer.orderId(), answer));
                    // Every request answered in the order given: the ledgers' answers are in that order too.
                    Iterator<OrderDecision> decided = decisions.all().iterator();
                    normalized.values().forEach(requests -> requests.forEach(request -> {
                        Instant endedAt = snapshot.cancelledQueued().get(request.orderId());
                        OrderQueued waits = queued.get(request.orderId());
                        answers.add(endedAt != null
                                ? cancelledBeforeDecision(request, endedAt)
                                : waits != null ? waits : decided.next());
                    }));
                    if (drain != null) {
                        drain.run(List.copyOf(answers));
                    }
                    return decisions;
                });
            });
        } catch (RuntimeException e) {
            // A refusal (the orders' fault) is told from an outage here, where the SQL is known.
            throw Refusals.classify(e);
        }
        outcome.fresh().forEach(metrics::decided);
        holdMetrics.opened((int) outcome.fresh().stream()
                .filter(decision -> decision instanceof OrderConfirmed confirmed && confirmed.held())
                .count());
        metrics.replayed(answers.size() - (int) answers.stream().filter(answer -> answer instanceof OrderQueued).count()
                - outcome.fresh().size());
        return List.copyOf(answers);
    }

    private static OrderCancelled cancelledBeforeDecision(OrderRequested request, Instant endedAt) {
        return new OrderCancelled(OrderEvent.SCHEMA_VERSION, request.orderId(), request.customerId(),
                request.saleId(), request.sku(), request.quantity(), List.of(), false, null, endedAt);
    }

    /** Lets the reservation rules decide against the snapshot, translated to their types; writes nothing. */
    static SaleDecisions decideOn(PollSnapshot snapshot, Map<ItemKey, List<OrderRequested>> byItem, Instant now) {
        Map<ItemKey, ItemState> items = new HashMap<>();
        snapshot.items().forEach((item, read) -> items.put(item, read.value()));
        Map<ItemKey, List<Seat>> seats = new HashMap<>();
        snapshot.seats().forEach((item, read) -> seats.put(
                item, read.values().stream().map(Versioned::value).toList()));
        Map<Holding, Integer> holdings = new HashMap<>();
        snapshot.holdings().forEach((holding, read) -> holdings.put(holding, read.value()));
        return new SaleLedger(snapshot.sales(), items, seats, holdings, snapshot.earlier()).decide(byItem, now);
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
}
