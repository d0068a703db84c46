package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderResult;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.processor.store.PollDecider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The per-customer limit counts what a buyer holds across all the items of a sale. */
class PerCustomerLimitIT extends RunningProcessor {

    @Autowired
    PollDecider decider;

    @Test
    void thePerCustomerLimitHoldsAcrossTheItemsOfASale() throws Exception {
        ItemKey a = stockSale("limit", 3, Map.of("A", 100, "B", 100));
        ItemKey b = new ItemKey(a.saleId(), Sku.of("B"));
        OrderRequested first = order(a, "carl", 2);
        send(List.of(first));
        assertThat(awaitDecisions(List.of(first)).get(first.orderId())).isInstanceOf(OrderConfirmed.class);

        OrderRequested tooMany = order(b, "carl", 2);
        OrderRequested justEnough = order(b, "carl", 1);
        OrderRequested oneMore = order(a, "carl", 1);
        send(List.of(tooMany, justEnough));
        Map<OrderId, OrderDecision> decided = awaitDecisions(List.of(tooMany, justEnough));
        send(List.of(oneMore));
        decided.putAll(awaitDecisions(List.of(oneMore)));

        assertThat(reasonOf(decided.get(tooMany.orderId()))).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(decided.get(justEnough.orderId())).isInstanceOf(OrderConfirmed.class);
        assertThat(reasonOf(decided.get(oneMore.orderId()))).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'limit' AND customer_id = 'carl'"))
                .isEqualTo(3);
    }

    @Test
    void onePollOverSeveralItemsOfASaleSharesTheBuyersLimitAndDecidesARepeatedOrderOnce() {
        stockSale("poll", 2, Map.of("A", 5, "B", 5, "C", 5));
        ItemKey a = new ItemKey(SaleId.of("poll"), Sku.of("A"));
        ItemKey b = new ItemKey(SaleId.of("poll"), Sku.of("B"));
        ItemKey c = new ItemKey(SaleId.of("poll"), Sku.of("C"));
        OrderRequested first = order(a, "same", 1);
        OrderRequested second = order(b, "same", 1);
        OrderRequested third = order(c, "same", 1);
        OrderRequested other = order(c, "other", 2);
        // The same order id under another item: a bogus duplicate that must not be decided twice.
        OrderRequested firstAgain = new OrderRequested(first.schemaVersion(), first.orderId(), first.customerId(),
                first.saleId(), Sku.of("B"), 1, List.of(), first.requestedAt());
        Map<ItemKey, List<OrderRequested>> poll = new java.util.LinkedHashMap<>();
        poll.put(a, List.of(first));
        poll.put(b, List.of(second, firstAgain));
        poll.put(c, List.of(third, other));

        List<OrderResult> decided = decider.decide(poll);

        assertThat(decided).hasSize(5);
        assertThat(decided.get(0)).isInstanceOf(OrderConfirmed.class);
        assertThat(decided.get(1)).isInstanceOf(OrderConfirmed.class);
        assertThat(decided.get(2)).isEqualTo(decided.get(0));
        assertThat(decided.get(3)).isInstanceOfSatisfying(OrderRejected.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.LIMIT_EXCEEDED));
        assertThat(decided.get(4)).isInstanceOf(OrderConfirmed.class);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'poll'")).isEqualTo(4);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'poll' AND customer_id = 'same'"))
                .isEqualTo(2);
        assertThat(count("SELECT sum(available) FROM items WHERE sale_id = 'poll'")).isEqualTo(15 - 4);
        assertThat(count("SELECT max(version) FROM items WHERE sale_id = 'poll'")).isEqualTo(1);

        // The whole poll again: every decision replayed, nothing changes.
        assertThat(decider.decide(poll)).isEqualTo(decided);
        assertThat(count("SELECT sum(available) FROM items WHERE sale_id = 'poll'")).isEqualTo(15 - 4);
    }
}
