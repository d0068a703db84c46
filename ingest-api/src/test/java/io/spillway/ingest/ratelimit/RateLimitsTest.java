package io.spillway.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.ingest.ratelimit.RateLimitProperties.Limit;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    private static RateLimitProperties limits(int instances, Limit customer, Limit address, Limit global,
            Map<String, Limit> perSale) {
        return new RateLimitProperties(true, instances, customer, address, global, perSale, 1000);
    }

    private static final Limit MANY = new Limit(1_000, Duration.ofHours(1));

    @Test
    void aCustomerOverItsBucketIsRefusedAndOthersAreNot() {
        RateLimits limits = new RateLimits(limits(1, new Limit(2, Duration.ofMinutes(1)), MANY, MANY, Map.of()));

        assertThat(limits.acquire("a", "s", "10.0.0.1").allowed()).isTrue();
        RateDecision second = limits.acquire("a", "s", "10.0.0.1");
        assertThat(second.allowed()).isTrue();
        assertThat(second.rateLimitHeader()).isEqualTo("\"customer\";r=0;t=0");
        RateDecision third = limits.acquire("a", "s", "10.0.0.1");

        assertThat(third.allowed()).isFalse();
        assertThat(third.policy().name()).isEqualTo("customer");
        assertThat(third.retryAfterSeconds()).isBetween(29L, 30L);
        assertThat(third.policyHeader()).isEqualTo("\"customer\";q=2;w=60");
        assertThat(third.rateLimitHeader()).isEqualTo("\"customer\";r=0;t=" + third.retryAfterSeconds());
        assertThat(limits.acquire("b", "s", "10.0.0.1").allowed()).isTrue();
    }

    @Test
    void aRefusedRequestCostsTheOtherBucketsNothing() {
        RateLimits limits = new RateLimits(limits(1, new Limit(1, Duration.ofHours(1)), new Limit(2, Duration.ofHours(1)),
                MANY, Map.of()));

        assertThat(limits.acquire("a", "s", "addr").allowed()).isTrue();
        // Refused by the customer bucket: the address bucket keeps its token for someone else.
        assertThat(limits.acquire("a", "s", "addr").allowed()).isFalse();
        assertThat(limits.acquire("b", "s", "addr").allowed()).isTrue();
        RateDecision third = limits.acquire("c", "s", "addr");
        assertThat(third.allowed()).isFalse();
        assertThat(third.policy().name()).isEqualTo("address");
    }

    @Test
    void theGlobalBucketIsSharedByEveryoneAndDividedByTheInstances() {
        RateLimits limits = new RateLimits(limits(2, MANY, MANY, new Limit(4, Duration.ofHours(1)), Map.of()));

        assertThat(limits.acquire("a", "s", "1").allowed()).isTrue();
        assertThat(limits.acquire("b", "s", "2").allowed()).isTrue();
        RateDecision third = limits.acquire("c", "s", "3");
        assertThat(third.allowed()).isFalse();
        assertThat(third.policyHeader()).isEqualTo("\"global\";q=2;w=3600");
    }

    @Test
    void aSaleCanHaveItsOwnCustomerLimit() {
        RateLimits limits = new RateLimits(limits(1, new Limit(1, Duration.ofHours(1)), MANY, MANY,
                Map.of("hot", new Limit(3, Duration.ofHours(1)))));

        assertThat(limits.acquire("a", "hot", "x").allowed()).isTrue();
        assertThat(limits.acquire("a", "hot", "x").allowed()).isTrue();
        assertThat(limits.acquire("a", "hot", "x").allowed()).isTrue();
        assertThat(limits.acquire("a", "hot", "x").allowed()).isFalse();
        assertThat(limits.acquire("a", "calm", "x").allowed()).isTrue();
        assertThat(limits.acquire("a", "calm", "x").allowed()).isFalse();
    }

    @Test
    void switchedOffEverythingPasses() {
        RateLimits limits = new RateLimits(new RateLimitProperties(false, 1, new Limit(1, Duration.ofHours(1)), null, null,
                null, 10));
        for (int i = 0; i < 10; i++) {
            assertThat(limits.acquire("a", "s", "x").allowed()).isTrue();
        }
    }

    @Test
    void aLiveBucketIsNeitherDroppedNorRefilledWhenManyOtherIdsPress() {
        // Room for twenty buckets; a thousand other customers from one address, of which only ten pass.
        RateLimits limits = new RateLimits(new RateLimitProperties(true, 1, new Limit(1, Duration.ofHours(1)),
                new Limit(10, Duration.ofHours(1)), MANY, Map.of(), 20));

        assertThat(limits.acquire("live", "s", "home").allowed()).isTrue();
        for (int i = 0; i < 1_000; i++) {
            limits.acquire("other-" + i, "s", "crowd");
        }
        RateDecision again = limits.acquire("live", "s", "home");

        assertThat(again.allowed()).isFalse();
        assertThat(again.policy().name()).isEqualTo("customer");
    }

    @Test
    void theBucketsThatCanBeLiveAreBoundedByTheGlobalLimitOverTheLongestWindow() {
        // The defaults: 50,000/s for a 10 s customer window, plus the global bucket's own burst.
        assertThat(RateLimits.mostLiveBuckets(new Limit(50_000, Duration.ofSeconds(1)), Duration.ofSeconds(10)))
                .isEqualTo(550_000);
        assertThat(RateLimits.mostLiveBuckets(new Limit(100, Duration.ofMinutes(1)), Duration.ofSeconds(10)))
                .isEqualTo(117);
    }
    @Test
    void anOrdersPaymentsAreLimitedPerOrderAndAllPaymentsTogether() {
        RateLimits limits = new RateLimits(new RateLimitProperties(true, 1, MANY, MANY, MANY, Map.of(), 1000,
                new Limit(3, Duration.ofHours(1)), new Limit(2, Duration.ofHours(1))));

        assertThat(limits.acquirePayment("order-1").allowed()).isTrue();
        assertThat(limits.acquirePayment("order-1").allowed()).isTrue();
        RateDecision third = limits.acquirePayment("order-1");
        assertThat(third.allowed()).isFalse();
        assertThat(third.policyHeader()).isEqualTo("\"per-order\";q=2;w=3600");

        // The refused third took nothing from the payments bucket: one token of three is left.
        assertThat(limits.acquirePayment("order-2").allowed()).isTrue();
        RateDecision overall = limits.acquirePayment("order-3");
        assertThat(overall.allowed()).isFalse();
        assertThat(overall.policy().name()).isEqualTo("payments");
        // The refusal by the payments bucket gave order-3's token back: its bucket was never kept.
        assertThat(limits.acquireCancel("order-3", "10.0.0.1").rateLimitHeader()).isEqualTo("\"per-order\";r=1;t=0");
    }

    @Test
    void cancellationsShareTheOrdersBucketAndTakeFromTheAddress() {
        RateLimits limits = new RateLimits(new RateLimitProperties(true, 1, MANY, new Limit(1, Duration.ofHours(1)), MANY,
                Map.of(), 1000, MANY, new Limit(2, Duration.ofHours(1))));

        assertThat(limits.acquireCancel("order-1", "10.0.0.1").allowed()).isTrue();
        RateDecision sameAddress = limits.acquireCancel("order-2", "10.0.0.1");
        assertThat(sameAddress.allowed()).isFalse();
        assertThat(sameAddress.policy().name()).isEqualTo("address");
        assertThat(limits.acquirePayment("order-1").allowed()).isTrue();
        assertThat(limits.acquireCancel("order-1", "10.0.0.2").policy().name()).isEqualTo("per-order");
    }

    @Test
    void paymentsAndCancellationsAreNotLimitedWhenLimitsAreOff() {
        RateLimits limits = new RateLimits(new RateLimitProperties(false, 1, MANY, MANY, MANY, Map.of(), 1000,
                new Limit(1, Duration.ofHours(1)), new Limit(1, Duration.ofHours(1))));

        for (int i = 0; i < 3; i++) {
            assertThat(limits.acquirePayment("order-1").allowed()).isTrue();
            assertThat(limits.acquireCancel("order-1", "10.0.0.1").allowed()).isTrue();
        }
    }
}
