package io.spillway.ingest.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.spillway.ingest.ratelimit.RateLimitProperties.Limit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Token buckets (Bucket4j, in this instance's memory) per customer, per client address and for
 * the whole instance. A request takes one token from each; if any bucket is empty it is refused
 * and the tokens it took from the others are given back, so a refused request costs nothing.
 *
 * <p>Limits: buckets are local, so with N instances behind a load balancer each holds 1/N of the
 * configured limit ({@link RateLimitProperties#instances()}). That is exact for the global bucket
 * and, with an even spread, close for the others; a customer whose requests all land on one
 * instance gets 1/N of the limit there. docs/ingest.md discusses the distributed alternative.
 */
public final class RateLimits {

    private final boolean enabled;
    private final Limit customer;
    private final Limit address;
    private final Map<String, Limit> customerPerSale;
    private final Bucket global;
    private final Limit globalLimit;
    private final Cache<String, Bucket> customers;
    private final Cache<String, Bucket> addresses;

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
        Duration longest = List.of(customer.per(), address.per()).stream().max(Duration::compareTo).orElseThrow();
        for (Limit limit : customerPerSale.values()) {
            longest = limit.per().compareTo(longest) > 0 ? limit.per() : longest;
        }
        // An idle bucket is full again after its window: dropping it then loses nothing.
        this.customers = Caffeine.newBuilder().maximumSize(properties.maxTrackedKeys()).expireAfterAccess(longest).build();
        this.addresses = Caffeine.newBuilder().maximumSize(properties.maxTrackedKeys()).expireAfterAccess(longest).build();
    }

    /** Takes a token for this request from every bucket that applies, or none if one is empty. */
    public RateDecision acquire(String customerId, String saleId, String clientAddress) {
        if (!enabled) {
            return RateDecision.ALLOWED;
        }
        Limit customerLimit = customerPerSale.getOrDefault(saleId, customer);
        String customerKey = customerLimit == customer ? customerId : saleId + "\u0000" + customerId;
        List<Taken> taken = new ArrayList<>(3);
        Optional<RateDecision> refused = take("customer", customerLimit, bucket(customers, customerKey, customerLimit), taken)
                .or(() -> take("address", address, bucket(addresses, clientAddress, address), taken))
                .or(() -> take("global", globalLimit, global, taken));
        if (refused.isPresent()) {
            taken.forEach(t -> t.bucket().addTokens(1));
            return refused.get();
        }
        Taken first = taken.getFirst();
        return RateDecision.allowed(new RateDecision.Policy("customer", customerLimit), first.remaining());
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

    private static Bucket bucket(Cache<String, Bucket> buckets, String key, Limit limit) {
        return buckets.get(key, (Function<String, Bucket>) k -> bucket(limit));
    }

    private static Bucket bucket(Limit limit) {
        return Bucket.builder()
                .addLimit(l -> l.capacity(limit.requests()).refillGreedy(limit.requests(), limit.per()))
                .build();
    }

    private record Taken(Bucket bucket, long remaining) {}
}
