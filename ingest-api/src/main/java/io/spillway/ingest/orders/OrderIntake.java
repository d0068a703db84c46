package io.spillway.ingest.orders;

import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.ingest.catalog.DoorVerdict;
import io.spillway.ingest.catalog.OpeningRetry;
import io.spillway.ingest.catalog.SaleBook;
import io.spillway.ingest.orders.BodyFingerprints.Fingerprint;
import io.spillway.ingest.problems.Refusal;
import io.spillway.ingest.problems.RefusalKind;
import io.spillway.contract.problems.Violation;
import io.spillway.ingest.ratelimit.RateDecision;
import io.spillway.ingest.ratelimit.RateLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * What happens to a well-formed request at the door, in this order: refused while the sale view
 * ({@link io.spillway.ingest.catalog.CatalogView}) is
 * still loading (503), the caller's rate limits (429), a key reused with another body (422), the
 * sale's rules from the view (422 / 409) unless the request is a retry of an order this instance
 * already sent towards the broker, and only then the append to {@code orders.requested}, so that a
 * refused request never reaches Kafka.
 *
 * <p>Concurrent requests for one order id (a client retrying before its first attempt returned)
 * share the first one's send and its outcome instead of publishing one record each: one order id,
 * one record in the usual case. A retry after that first send ended publishes again; the processor
 * decides by order id, so it replays the first decision instead of making a second order.
 */
final class OrderIntake {

    /** The most a {@code Retry-After} before the opening is spread by. */
    static final Duration OPENING_JITTER = OpeningRetry.JITTER;

    private final OrderLog orderLog;
    private final OrderTokens tokens;
    private final Clock clock;
    private final BooleanSupplier viewCaughtUp;
    private final SaleBook book;
    private final RateLimits limits;
    private final BodyFingerprints fingerprints;
    private final IngestProperties settings;
    private final Map<OrderId, CompletableFuture<Void>> sending = new ConcurrentHashMap<>();

    OrderIntake(
            OrderLog orderLog, OrderTokens tokens, Clock clock, BooleanSupplier viewCaughtUp, SaleBook book, RateLimits limits,
            BodyFingerprints fingerprints, IngestProperties settings) {
        this.orderLog = orderLog;
        this.tokens = tokens;
        this.clock = clock;
        this.viewCaughtUp = viewCaughtUp;
        this.book = book;
        this.limits = limits;
        this.fingerprints = fingerprints;
        this.settings = settings;
    }

    /** @param clientAddress the caller's address, for its rate limit */
    Accepted accept(PlaceOrder order, String clientAddress) {
        if (!viewCaughtUp.getAsBoolean()) {
            throw Refusal.viewNotReady(settings.retryAfter());
        }
        RateDecision rate = limits.acquire(order.customerId().value(), order.saleId().value(), clientAddress);
        if (!rate.allowed()) {
            throw Refusal.rateLimited(rate);
        }
        Fingerprint fingerprint = Fingerprint.of(order);
        switch (fingerprints.recall(order.orderId(), fingerprint)) {
            case OTHER_ORDER -> throw Refusal.keyReused();
            // A retry of an order that passed the sale's rules and went towards the broker, perhaps
            // answered 503 yet written: it must get its order id back, not a refusal from a view that
            // has moved on since (it may be the very order that sold the item out). Published again,
            // it is replayed by the processor, which decides by order id.
            case SAME_ORDER -> { }
            case NEW -> {
                if (book.check(order.saleId(), order.sku(), order.quantity(), order.seatIds(), clock.instant())
                        instanceof DoorVerdict.Refuse refuse) {
                    throw refusal(refuse);
                }
                if (!fingerprints.remember(order.orderId(), fingerprint)) {
                    throw Refusal.keyReused();
                }
            }
        }
        OrderId orderId = order.orderId();
        appendOnce(order);
        return new Accepted(OrderAccepted.queued(orderId, tokens.tokenFor(orderId)), rate);
    }

    private void appendOnce(PlaceOrder order) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> first = sending.putIfAbsent(order.orderId(), mine);
        if (first != null) {
            awaitOther(first);
            return;
        }
        try {
            orderLog.append(order.toEvent(clock.instant()));
            mine.complete(null);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            sending.remove(order.orderId(), mine);
        }
    }

    private void awaitOther(CompletableFuture<Void> first) {
        try {
            // The first send is itself bounded by the send timeout; the margin only covers scheduling.
            first.get(settings.sendTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Refusal refusal) {
                throw refusal;
            }
            throw Refusal.notAccepted("The order was not accepted. Retry with the same Idempotency-Key.",
                    settings.retryAfter());
        } catch (TimeoutException e) {
            throw Refusal.notAccepted("The broker did not acknowledge the order in time; it was not accepted. "
                    + "Retry with the same Idempotency-Key.", settings.retryAfter());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Refusal.notAccepted("The order was not accepted.", settings.retryAfter());
        }
    }

    private static Refusal refusal(DoorVerdict.Refuse refuse) {
        RefusalKind kind = RefusalKind.valueOf(refuse.reason().name());
        Duration retryAfter = refuse.reason() == DoorVerdict.Reason.NOT_OPEN && refuse.retryAfter() != null
                ? spread(refuse.retryAfter())
                : refuse.retryAfter();
        return new Refusal(kind, kind.title() + ": " + refuse.field() + " " + refuse.message() + ".",
                List.of(new Violation(refuse.field(), refuse.message())), retryAfter);
    }

    /** {@link OpeningRetry#spread}: the door's one rule for a {@code Retry-After} before the opening. */
    static Duration spread(Duration untilOpen) {
        return OpeningRetry.spread(untilOpen);
    }

    /** The 202 body and the rate limit the request was counted against, for its headers. */
    record Accepted(OrderAccepted body, RateDecision rate) {}
}
