package io.spillway.processor.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.contract.CustomerId;
import io.spillway.contract.ItemKey;
import io.spillway.contract.ItemKind;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SaleLedgerTest {

    private static final Instant OPENS = Instant.parse("2026-12-24T09:00:00Z");
    private static final Instant OPEN = OPENS.plusSeconds(1);
    private static final Instant DECIDED = OPENS.plusSeconds(2);
    private static final SaleId CONCERT = SaleId.of("concert");
    private static final SaleId THEATRE = SaleId.of("theatre");
    private static final ItemKey A = new ItemKey(CONCERT, Sku.of("A"));
    private static final ItemKey B = new ItemKey(CONCERT, Sku.of("B"));
    private static final ItemKey PLAY = new ItemKey(THEATRE, Sku.of("PLAY"));
    private static final ItemKey VIP = new ItemKey(CONCERT, Sku.of("VIP"));
    private static final CustomerId CARL = CustomerId.of("carl");

    private final Map<SaleId, SaleTerms> sales = new HashMap<>(Map.of(
            CONCERT, new SaleTerms(OPENS, 3),
            THEATRE, new SaleTerms(OPENS, 2)));
    private final Map<ItemKey, ItemState> items = new HashMap<>(Map.of(
            A, new ItemState(ItemKind.STOCK, 100, false),
            B, new ItemState(ItemKind.STOCK, 100, false),
            PLAY, new ItemState(ItemKind.STOCK, 100, false)));
    private final Map<ItemKey, List<Seat>> seats = new HashMap<>();
    private final Map<Holding, Integer> holdings = new HashMap<>();
    private final Map<OrderId, OrderDecision> earlier = new HashMap<>();
    private final Map<ItemKey, List<OrderRequested>> poll = new LinkedHashMap<>();

    @Test
    void thePerCustomerLimitCountsEveryItemOfTheSaleInOnePoll() {
        OrderRequested first = order(A, CARL, 2);
        OrderRequested tooMany = order(B, CARL, 2);
        OrderRequested justEnough = order(B, CARL, 1);
        poll.put(A, List.of(first));
        poll.put(B, List.of(tooMany, justEnough));

        SaleDecisions decided = decide();

        assertThat(decided.all().get(0)).isInstanceOf(OrderConfirmed.class);
        assertThat(reason(decided.all().get(1))).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(decided.all().get(2)).isInstanceOf(OrderConfirmed.class);
        assertThat(decided.holdings()).containsExactly(Map.entry(new Holding(CONCERT, CARL), 3));
        assertThat(decided.ledgers().get(A).state().available()).isEqualTo(98);
        assertThat(decided.ledgers().get(B).state().available()).isEqualTo(99);
    }

    @Test
    void theLimitCountsWhatTheBuyerAlreadyHoldsInTheSale() {
        holdings.put(new Holding(CONCERT, CARL), 2);
        OrderRequested tooMany = order(A, CARL, 2);
        OrderRequested onB = order(B, CARL, 1);
        OrderRequested oneMore = order(A, CARL, 1);
        poll.put(A, List.of(tooMany, oneMore));
        poll.put(B, List.of(onB));

        SaleDecisions decided = decide();

        // A's orders come first: the one that fits takes the last unit of the limit, so B's is refused.
        assertThat(reason(decided.all().get(0))).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(decided.all().get(1)).isInstanceOf(OrderConfirmed.class);
        assertThat(reason(decided.all().get(2))).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(decided.holdings()).containsExactly(Map.entry(new Holding(CONCERT, CARL), 3));
    }

    @Test
    void holdingsInOneSaleDoNotCountInAnother() {
        holdings.put(new Holding(CONCERT, CARL), 3);
        OrderRequested play = order(PLAY, CARL, 2);
        OrderRequested concert = order(A, CARL, 1);
        poll.put(PLAY, List.of(play));
        poll.put(A, List.of(concert));

        SaleDecisions decided = decide();

        assertThat(decided.all().get(0)).isInstanceOf(OrderConfirmed.class);
        assertThat(reason(decided.all().get(1))).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(decided.holdings()).containsExactly(Map.entry(new Holding(THEATRE, CARL), 2));
    }

    @Test
    void anOrderDecidedEarlierIsReplayedAndChangesNothing() {
        OrderRequested order = order(A, CARL, 1);
        OrderDecision before = OrderRejected.of(order, RejectionReason.SOLD_OUT, OPENS);
        earlier.put(order.orderId(), before);
        poll.put(A, List.of(order));

        SaleDecisions decided = decide();

        assertThat(decided.all()).containsExactly(before);
        assertThat(decided.fresh()).isEmpty();
        assertThat(decided.holdings()).isEmpty();
        assertThat(decided.ledgers().get(A).itemChanged()).isFalse();
    }

    @Test
    void anOrderTwiceInThePollEvenUnderTwoItemsIsDecidedOnceAndReplayed() {
        OrderRequested order = order(A, CARL, 1);
        // The same order id under another item: a bogus duplicate that must not be decided twice.
        OrderRequested underB = new OrderRequested(order.schemaVersion(), order.orderId(), order.customerId(),
                order.saleId(), B.sku(), 1, List.of(), order.requestedAt());
        poll.put(A, List.of(order, order));
        poll.put(B, List.of(underB));

        SaleDecisions decided = decide();

        assertThat(decided.all()).hasSize(3).allMatch(decision -> decision.equals(decided.all().get(0)));
        assertThat(decided.all().get(0)).isInstanceOf(OrderConfirmed.class);
        assertThat(decided.fresh()).containsExactly(decided.all().get(0));
        assertThat(decided.ledgers().get(A).state().available()).isEqualTo(99);
        assertThat(decided.ledgers().get(B).itemChanged()).isFalse();
        assertThat(decided.holdings()).containsExactly(Map.entry(new Holding(CONCERT, CARL), 1));
    }

    @Test
    void allAnswersEveryRequestInOrderAndFreshHoldsOnlyTheDecisionsMadeNow() {
        OrderRequested replayed = order(A, CustomerId.of("ann"), 1);
        OrderDecision before = OrderConfirmed.of(replayed, List.of(), OPENS);
        earlier.put(replayed.orderId(), before);
        OrderRequested one = order(A, CustomerId.of("bob"), 1);
        OrderRequested two = order(B, CustomerId.of("cat"), 1);
        poll.put(A, List.of(one, replayed));
        poll.put(B, List.of(two));

        SaleDecisions decided = decide();

        assertThat(decided.all()).extracting(OrderDecision::orderId)
                .containsExactly(one.orderId(), replayed.orderId(), two.orderId());
        assertThat(decided.all().get(1)).isSameAs(before);
        assertThat(decided.fresh()).extracting(OrderDecision::orderId).containsExactly(one.orderId(), two.orderId());
        assertThat(decided.fresh()).allMatch(decision -> decision.decidedAt().equals(DECIDED));
    }

    @Test
    void aHoldingRaisedByTwoItemsIsReportedOnceWithItsLastValue() {
        poll.put(A, List.of(order(A, CARL, 1)));
        poll.put(B, List.of(order(B, CARL, 1), order(B, CARL, 1)));

        SaleDecisions decided = decide();

        assertThat(decided.all()).allMatch(OrderConfirmed.class::isInstance);
        assertThat(decided.holdings()).containsExactly(Map.entry(new Holding(CONCERT, CARL), 3));
    }

    @Test
    void everyOrderOfAnUnknownSaleOrItemIsInvalid() {
        ItemKey noSuchItem = new ItemKey(CONCERT, Sku.of("NONE"));
        ItemKey noSuchSale = new ItemKey(SaleId.of("nowhere"), Sku.of("A"));
        items.put(noSuchSale, new ItemState(ItemKind.STOCK, 10, false));
        poll.put(noSuchItem, List.of(order(noSuchItem, CARL, 1)));
        poll.put(noSuchSale, List.of(order(noSuchSale, CARL, 1)));

        SaleDecisions decided = decide();

        assertThat(decided.all()).extracting(SaleLedgerTest::reason)
                .containsExactly(RejectionReason.INVALID_ITEM, RejectionReason.INVALID_ITEM);
        assertThat(decided.fresh()).hasSize(2);
        assertThat(decided.ledgers().get(noSuchItem).state()).isNull();
        assertThat(decided.ledgers().values()).noneMatch(ItemLedger::itemChanged);
        assertThat(decided.holdings()).isEmpty();
    }

    @Test
    void aSeatedItemIsDecidedOnTheSeatsGivenForIt() {
        items.put(VIP, new ItemState(ItemKind.SEATED, 2, false));
        seats.put(VIP, List.of(new Seat(SeatId.of("S-1"), 1, null), new Seat(SeatId.of("S-2"), 2, null)));
        OrderRequested order = order(VIP, CARL, 1);
        poll.put(VIP, List.of(order));

        SaleDecisions decided = decide();

        assertThat(decided.all().get(0)).isInstanceOfSatisfying(OrderConfirmed.class,
                confirmed -> assertThat(confirmed.seats()).containsExactly(SeatId.of("S-1")));
        assertThat(decided.ledgers().get(VIP).seatsTaken()).containsExactly(Map.entry(SeatId.of("S-1"), order.orderId()));
    }

    @Test
    void decidesOnce() {
        poll.put(A, List.of(order(A, CARL, 1)));
        SaleLedger ledger = new SaleLedger(sales, items, seats, holdings, earlier);
        ledger.decide(poll, DECIDED);

        assertThatThrownBy(() -> ledger.decide(poll, DECIDED)).isInstanceOf(IllegalStateException.class);
    }

    private SaleDecisions decide() {
        return new SaleLedger(sales, items, seats, holdings, earlier).decide(poll, DECIDED);
    }

    private static OrderRequested order(ItemKey item, CustomerId customer, int quantity) {
        return OrderRequested.of(
                new OrderId(UUID.randomUUID()), customer, item.saleId(), item.sku(), quantity, List.of(), OPEN);
    }

    private static RejectionReason reason(OrderDecision decision) {
        assertThat(decision).isInstanceOf(OrderRejected.class);
        return ((OrderRejected) decision).reason();
    }
}
