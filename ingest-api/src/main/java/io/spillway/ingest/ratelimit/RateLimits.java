package io.spillway.ingest.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketListener;
import io.github.bucket4j.MathType;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LockFreeBucket;
import io.github.bucket4j.ConsumptionProbe;
import io.spillway.ingest.ratelimit.RateLimitProperties.Limit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets (Bucket4j, in this instance's memory) per customer, per client address and for
 * the whole instance. A request takes one token from each; if any bucket is empty it is refused
 * and the tokens it took from the others are given back, so a refused request costs nothing.
 * Payments and cancellations take from a bucket per order ({@code per-order}) and, payments, from
 * the payment system's one bucket ({@code payments}) or, cancellations, from the address's.
 *
 * <p>A bucket is kept only once its request passed every limit: a customer or address without one
 * has a full bucket, and a request refused anyway leaves nothing behind. So the buckets that can be
 * live at once are bounded by the global limit over the longest window ({@link #mostLiveBuckets}),
 * whatever the number of distinct ids sent, and with {@code max-tracked-keys} above that bound a
 * live bucket is never dropped to make room (it would come back full: the limit evaded). Idle
 * buckets expire one window after their last use, when they are full again anyway.
 *
 * <p>Limits: buckets are local, so with N instances behind a load balancer each holds 1/N of the
 * configured limit ({@link RateLimitProperties#instances()}). That is exact for the global bucket
 * and, with an even spread, close for the others; a customer whose requests all land on one
 * instance gets 1/N of the limit there. docs/ingest.md discusses the distributed alternative.
 */
public final class RateLimits {

    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);
    /** Immutable, one per distinct limit; there are a handful. */
    private static final Map<Limit, BucketConfiguration> CONFIGURATIONS = new java.util.concurrent.ConcurrentHashMap<>();

    private final boolean enabled;
    private final Limit customer;
    private final Limit address;
    private final Map<String, Limit> customerPerSale;
    private final Bucket global;
    private final Limit globalLimit;
    private final Cache<String, Bucket> customers;
    private final Cache<String, Bucket> addresses;
    private final Limit paymentsLimit;
    private final Bucket payments;
    private final Limit perOrder;
    private final Cache<String, Bucket> orders;

    public RateLimits(RateLimitProperties properties) {
        this.enabled = properties.enabled();
        int n = properties.instances();
        this.customer = properties.customer().share(n);
        this.address = properties.address().share(n);
        this.globalLimit = properties.global().share(n);
        Map<String, Limit> perSale = new java.util.HashMap<>();
        properties.customerPerSale().forEach((sale, limit) -> perSale.put(sale, limit.share(n)));
        this.customerPerSale = Map.copyOf(perSale);
        this.global = bucket(globalLimit);
        this.paymentsLimit = properties.payments().share(n);
        this.payments = bucket(paymentsLimit);
        this.perOrder = properties.perOrder().share(n);
        this.orders = Caffeine.newBuilder().maximumSize(properties.maxTrackedKeys()).expireAfterAccess(perOrder.per()).build();
        Duration longest = List.of(customer.per(), address.per()).stream().max(Duration::compareTo).orElseThrow();
        for (Limit limit : customerPerSale.values()) {
            longest = limit.per().compareTo(longest) > 0 ? limit.per() : longest;
        }
        // An idle bucket is full again after its window: dropping it then loses nothing.
        this.customers = Caffeine.newBuilder().maximumSize(properties.maxTrackedKeys()).expireAfterAccess(longest).build();
        this.addresses = Caffeine.newBuilder().maximumSize(properties.maxTrackedKeys()).expireAfterAccess(longest).build();
        long live = mostLiveBuckets(globalLimit, longest);
        if (enabled && live > properties.maxTrackedKeys()) {
            log.warn("spillway.ingest.rate-limit.max-tracked-keys ({}) is below the {} buckets the global limit lets "
                    + "live at once: under a spike, live buckets may be dropped and come back full",
                    properties.maxTrackedKeys(), live);
        }
    }

    /**
     * The most buckets of one kind that can be live (not full) at once: a bucket is kept only for a
     * request that passed every limit, the global one included, and is full again one window after
     * its last request, so at most the global bucket's capacity plus its refill over the longest
     * window.
     */
    static long mostLiveBuckets(Limit global, Duration longest) {
        double windows = (double) longest.toNanos() / global.per().toNanos();
        return global.requests() + (long) Math.ceil(global.requests() * windows);
    }

    /** Takes a token for this request from every bucket that applies, or none if one is empty. */
    public RateDecision acquire(String customerId, String saleId, String clientAddress) {
        if (!enabled) {
            return RateDecision.ALLOWED;
        }
        Limit customerLimit = customerPerSale.getOrDefault(saleId, customer);
        String customerKey = customerLimit == customer ? customerId : saleId + "\u0000" + customerId;
        return acquire(List.of(
                Check.keyed("customer", customerLimit, customers, customerKey),
                Check.keyed("address", address, addresses, clientAddress),
                Check.shared("global", globalLimit, global)));
    }

    /**
     * A payment callback for an order: the order's bucket ({@code per-order}), then the payment
     * system's ({@code payments}), or none if one is empty.
     */
    public RateDecision acquirePayment(String orderId) {
        if (!enabled) {
            return RateDecision.ALLOWED;
        }
        return acquire(List.of(
                Check.keyed("per-order", perOrder, orders, orderId),
                Check.shared("payments", paymentsLimit, payments)));
    }

    /** A buyer's cancellation: the order's bucket ({@code per-order}) and the caller's address. */
    public RateDecision acquireCancel(String orderId, String clientAddress) {
        if (!enabled) {
            return RateDecision.ALLOWED;
        }
        return acquire(List.of(
                Check.keyed("per-order", perOrder, orders, orderId),
                Check.keyed("address", address, addresses, clientAddress)));
    }

    /**
     * Takes a token from each check's bucket in order; a keyed bucket not known yet is a full one,
     * kept only once every check passed. The decision names the first check's policy.
     */
    private static RateDecision acquire(List<Check> checks) {
        List<Bucket> known = new ArrayList<>(checks.size());
        List<Bucket> buckets = new ArrayList<>(checks.size());
        for (Check check : checks) {
            Bucket bucket = check.buckets() == null ? check.shared() : check.buckets().getIfPresent(check.key());
            known.add(bucket);
            buckets.add(bucket != null ? bucket : bucket(check.limit()));
        }
        List<Taken> taken = new ArrayList<>(checks.size());
        Optional<RateDecision> refused = Optional.empty();
        for (int i = 0; i < checks.size() && refused.isEmpty(); i++) {
            refused = take(checks.get(i).name(), checks.get(i).limit(), buckets.get(i), taken);
        }
        for (int i = 0; i < checks.size() && refused.isEmpty(); i++) {
            Check check = checks.get(i);
            if (known.get(i) == null) {
                refused = keep(check.buckets(), check.key(), buckets.get(i), check.name(), check.limit(), taken);
            }
        }
        if (refused.isPresent()) {
            taken.forEach(t -> t.bucket().addTokens(1));
            return refused.get();
        }
        Check first = checks.getFirst();
        return RateDecision.allowed(new RateDecision.Policy(first.name(), first.limit()), taken.getFirst().remaining());
    }

    /** One limit a request is counted against: a bucket per key, or one bucket shared by all. */
    private record Check(String name, Limit limit, Cache<String, Bucket> buckets, String key, Bucket shared) {

        static Check keyed(String name, Limit limit, Cache<String, Bucket> buckets, String key) {
            return new Check(name, limit, buckets, key, null);
        }

        static Check shared(String name, Limit limit, Bucket bucket) {
            return new Check(name, limit, null, null, bucket);
        }
    }

    private static Optional<RateDecision> take(String name, Limit limit, Bucket bucket, List<Taken> taken) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            return Optional.of(RateDecision.refused(new RateDecision.Policy(name, limit),
                    Duration.ofNanos(probe.getNanosToWaitForRefill())));
        }
        taken.add(new Taken(bucket, probe.getRemainingTokens()));
        return Optional.empty();
    }

    /**
     * Keeps a new bucket once its request passed every limit. If a concurrent request of the same
     * key kept one first, the token is taken from that one instead (the new one is dropped).
     */
    private static Optional<RateDecision> keep(
            Cache<String, Bucket> buckets, String key, Bucket fresh, String name, Limit limit, List<Taken> taken) {
        Bucket first = buckets.asMap().putIfAbsent(key, fresh);
        return first == null ? Optional.empty() : take(name, limit, first, taken);
    }

    /**
     * A full bucket for the limit. Its configuration is shared by every bucket of that limit rather
     * than built per bucket: at a million customers that is a third of the buckets' heap
     * (docs/benchmarks/ingest.md).
     */
    private static Bucket bucket(Limit limit) {
        return new LockFreeBucket(CONFIGURATIONS.computeIfAbsent(limit, RateLimits::configuration),
                MathType.INTEGER_64_BITS, TimeMeter.SYSTEM_NANOTIME, BucketListener.NOPE);
    }

    private static BucketConfiguration configuration(Limit limit) {
        return BucketConfiguration.builder()
                .addLimit(l -> l.capacity(limit.requests()).refillGreedy(limit.requests(), limit.per()))
                .build();
    }

    private record Taken(Bucket bucket, long remaining) {}
}
