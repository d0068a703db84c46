package io.spillway.ingest.ratelimit;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.ingest.rate-limit.*}: the token buckets at the door. Every limit is written as the
 * whole deployment's and divided by {@code instances} (each ingest instance keeps its own buckets;
 * see docs/ingest.md for why and for the distributed alternative).
 *
 * @param enabled false turns every bucket off: the door then limits no one
 * @param instances how many ingest instances share the load: each applies 1/instances of a limit
 * @param customer per {@code X-Customer-Id}; 20 per 10 s unless set
 * @param address per client address, 2,000 per second unless set (the connection's, or the forwarded one when
 *     {@code spillway.ingest.gateway.trusted-proxies} trusts the gateway: {@link ForwardedFor})
 * @param global all requests of the deployment, 50,000 per second unless set
 * @param customerPerSale per customer and sale, for sales that want a tighter or looser limit
 *     than {@code customer}; replaces the customer limit for orders of that sale
 * @param payments all payment callbacks, the payment system being one client: 1,000 per second
 *     unless set
 * @param perOrder per order id, for payments and cancellations: 10 per 10 s unless set; a callback
 *     or a buyer retrying one order in a loop is slowed, no other order
 * @param maxTrackedKeys the most customers (and addresses) with a bucket at once; idle buckets are
 *     dropped after their window, when they would be full again anyway. Keep it above what the
 *     global limit lets live at once (global requests over the longest window, 550,000 with the
 *     defaults; a warning is logged otherwise). A bucket with its key is about 350 bytes of heap
 *     (docs/benchmarks/ingest.md): 600,000, the default, is at most about 200 MB, and only under a
 *     spike that passes the global limit for a whole window; the largest sale the project promises,
 *     300,000 buyers, about 100 MB
 */
@ConfigurationProperties("spillway.ingest.rate-limit")
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1") int instances,
        Limit customer,
        Limit address,
        Limit global,
        Map<String, Limit> customerPerSale,
        @DefaultValue("600000") long maxTrackedKeys,
        Limit payments,
        Limit perOrder) {

    @ConstructorBinding
    public RateLimitProperties {
        if (instances < 1) {
            throw new IllegalArgumentException("spillway.ingest.rate-limit.instances must be at least 1");
        }
        // Defaults here rather than in annotations: a nested record takes no positional default.
        customer = customer == null ? new Limit(20, Duration.ofSeconds(10)) : customer;
        address = address == null ? new Limit(2_000, Duration.ofSeconds(1)) : address;
        global = global == null ? new Limit(50_000, Duration.ofSeconds(1)) : global;
        customerPerSale = customerPerSale == null ? Map.of() : Map.copyOf(customerPerSale);
        payments = payments == null ? new Limit(1_000, Duration.ofSeconds(1)) : payments;
        perOrder = perOrder == null ? new Limit(10, Duration.ofSeconds(10)) : perOrder;
    }

    /** The limits before payments and cancellations: theirs take their defaults. */
    public RateLimitProperties(
            boolean enabled, int instances, Limit customer, Limit address, Limit global,
            Map<String, Limit> customerPerSale, long maxTrackedKeys) {
        this(enabled, instances, customer, address, global, customerPerSale, maxTrackedKeys, null, null);
    }

    /**
     * At most {@code requests} per {@code per}, refilled smoothly; a full bucket allows a burst of
     * {@code requests}.
     */
    public record Limit(long requests, Duration per) {

        public Limit {
            if (requests < 1 || per == null || per.isZero() || per.isNegative()) {
                throw new IllegalArgumentException("a rate limit needs requests >= 1 per a positive duration");
            }
        }

        /** This instance's share of a deployment-wide limit; never below one request. */
        Limit share(int instances) {
            return new Limit(Math.max(1, requests / instances), per);
        }
    }
}
