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
import io.spillway.contract.rules.SaleRuleCases;
import io.spillway.contract.rules.SaleRuleCases.Case;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ItemLedgerTest {

    private static final Instant OPENS = Instant.parse("2026-12-24T09:00:00Z");
    private static final Instant OPEN = OPENS.plusSeconds(1);
    private static final Instant DECIDED = OPENS.plusSeconds(2);
    private static final SaleTerms SALE = new SaleTerms(OPENS, 4);
    private static final ItemKey GA = new ItemKey(SaleId.of("concert"), Sku.of("GA"));
    private static final ItemKey VIP = new ItemKey(SaleId.of("concert"), Sku.of("VIP"));

    @Test
    void confirmsStockWhileItLastsAndRaisesTheHolding() {
        ItemLedger ledger = stock(10, false, Map.of());

        OrderDecision decision = ledger.decide(order(GA, "ann", 3), DECIDED);

        assertThat(decision).isInstanceOf(OrderConfirmed.class);
        assertThat(((OrderConfirmed) decision).seats()).isEmpty();
        assertThat(decision.decidedAt()).isEqualTo(DECIDED);
        assertThat(ledger.state()).isEqualTo(new ItemState(ItemKind.STOCK, 7, false));
        assertThat(ledger.itemChanged()).isTrue();
        assertThat(ledger.holdingsChanged()).containsExactly(Map.entry(CustomerId.of("ann"), 3));
        assertThat(ledger.newDecisions()).containsExactly(decision);
    }

    @Test
    void aSaleWithAHoldConfirmsHeldUntilDecidedAtPlusHoldSecondsAndCountsTheUnitsHeld() {
        ItemLedger ledger = new ItemLedger(GA, new SaleTerms(OPENS, 4, 600),
                new ItemState(ItemKind.STOCK, 10, false), List.of(), Map.of(), List.of());

        OrderDecision decision = ledger.decide(order(GA, "ann", 3), DECIDED);

        assertThat(decision).isInstanceOfSatisfying(OrderConfirmed.class,
                held -> assertThat(held.holdExpiresAt()).isEqualTo(DECIDED.plusSeconds(600)));
        assertThat(ledger.state()).isEqualTo(new ItemState(ItemKind.STOCK, 7, false));
        assertThat(ledger.heldAdded()).isEqualTo(3);
        assertThat(stock(10, false, Map.of()).decide(order(GA, "bob", 1), DECIDED))
                .isInstanceOfSatisfying(OrderConfirmed.class, fin -> assertThat(fin.held()).isFalse());
    }

    @Test
    void aClosedSaleRejectsEveryOrderSaleClosedAndTakesNothingWhileEarlierDecisionsStand() {
        OrderRequested before = order(GA, "ann", 1);
        OrderDecision confirmed = stock(10, false, Map.of()).decide(before, DECIDED);
        ItemLedger ledger = new ItemLedger(GA, new SaleTerms(OPENS, 4, 0, null, DECIDED),
                new ItemState(ItemKind.STOCK, 9, false), List.of(), Map.of(), List.of(confirmed));

        assertThat(ledger.decide(before, DECIDED.plusSeconds(1))).isEqualTo(confirmed);
        assertThat(reason(ledger.decide(order(GA, "bob", 1), DECIDED.plusSeconds(1)))).isEqualTo(RejectionReason.SALE_CLOSED);
        // Even an order that breaks another rule: the sale is closed to it first.
        assertThat(reason(ledger.decide(order(GA, "cat", 9), DECIDED.plusSeconds(1)))).isEqualTo(RejectionReason.SALE_CLOSED);
        assertThat(ledger.state()).isEqualTo(new ItemState(ItemKind.STOCK, 9, false));
        assertThat(ledger.holdingsChanged()).isEmpty();
    }

    @Test
    void firstComeFirstServedAfterSoldOutNoLaterOrderIsConfirmedEvenASmallerOne() {
        ItemLedger ledger = stock(3, false, Map.of());

        assertThat(ledger.decide(order(GA, "ann", 2), DECIDED)).isInstanceOf(OrderConfirmed.class);
        assertThat(reason(ledger.decide(order(GA, "bob", 2), DECIDED))).isEqualTo(RejectionReason.SOLD_OUT);
        assertThat(reason(ledger.decide(order(GA, "cat", 1), DECIDED))).isEqualTo(RejectionReason.SOLD_OUT);

        assertThat(ledger.state()).isEqualTo(new ItemState(ItemKind.STOCK, 1, true));
        assertThat(ledger.holdingsChanged()).containsOnlyKeys(CustomerId.of("ann"));
    }

    @Test
    void anItemAlreadySoldOutRefusesEveryOrder() {
        ItemLedger ledger = stock(5, true, Map.of());

        assertThat(reason(ledger.decide(order(GA, "ann", 1), DECIDED))).isEqualTo(RejectionReason.SOLD_OUT);
        assertThat(ledger.itemChanged()).isFalse();
    }

    @Test
    void takingTheLastUnitMarksTheItemSoldOut() {
        ItemLedger ledger = stock(2, false, Map.of());

        ledger.decide(order(GA, "ann", 2), DECIDED);

        assertThat(ledger.state()).isEqualTo(new ItemState(ItemKind.STOCK, 0, true));
    }

    @Test
    void unknownSaleOrItemIsInvalid() {
        ItemLedger noSale = new ItemLedger(GA, null, null, List.of(), Map.of(), List.of());
        ItemLedger noItem = new ItemLedger(GA, SALE, null, List.of(), Map.of(), List.of());

        assertThat(reason(noSale.decide(order(GA, "ann", 1), DECIDED))).isEqualTo(RejectionReason.INVALID_ITEM);
        assertThat(reason(noItem.decide(order(GA, "ann", 1), DECIDED))).isEqualTo(RejectionReason.INVALID_ITEM);
        assertThat(noItem.itemChanged()).isFalse();
        assertThat(noItem.state()).isNull();
    }

    @Test
    void seatsNamedForAStockItemOrSeatsNotInTheItemAreInvalid() {
        ItemLedger stock = stock(10, false, Map.of());
        ItemLedger seated = seated(seat("A-1", 1, null), seat("A-2", 2, null));

        assertThat(reason(stock.decide(seats(GA, "ann", "A-1"), DECIDED))).isEqualTo(RejectionReason.INVALID_ITEM);
        assertThat(reason(seated.decide(seats(VIP, "ann", "A-1", "Z-9"), DECIDED)))
                .isEqualTo(RejectionReason.INVALID_ITEM);
        assertThat(seated.seatsTaken()).isEmpty();
    }

    @Test
    void anOrderPlacedBeforeTheSaleOpenedIsRefused() {
        ItemLedger ledger = stock(10, false, Map.of());
        OrderRequested early = OrderRequested.of(
                newId(), CustomerId.of("ann"), GA.saleId(), GA.sku(), 1, List.of(), OPENS.minusMillis(1));

        assertThat(reason(ledger.decide(early, DECIDED))).isEqualTo(RejectionReason.SALE_CLOSED);
        assertThat(ledger.decide(OrderRequested.of(
                        newId(), CustomerId.of("ann"), GA.saleId(), GA.sku(), 1, List.of(), OPENS), DECIDED))
                .isInstanceOf(OrderConfirmed.class);
    }

    @Test
    void theLimitCountsWhatTheBuyerHoldsInTheWholeSale() {
        // ann holds 3 in the sale, bought through another item; the limit is 4.
        ItemLedger ledger = stock(10, false, Map.of(CustomerId.of("ann"), 3));

        assertThat(reason(ledger.decide(order(GA, "ann", 2), DECIDED))).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(ledger.decide(order(GA, "ann", 1), DECIDED)).isInstanceOf(OrderConfirmed.class);
        assertThat(reason(ledger.decide(order(GA, "ann", 1), DECIDED))).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(ledger.holdingsChanged()).containsExactly(Map.entry(CustomerId.of("ann"), 4));
        // A refusal for the limit is not a refusal for stock: the item stays open.
        assertThat(ledger.state().soldOut()).isFalse();
    }

    @Test
    void namedSeatsAreAllOrNothing() {
        OrderId holder = newId();
        ItemLedger ledger = seated(seat("A-1", 1, null), seat("A-2", 2, holder), seat("A-3", 3, null));

        assertThat(reason(ledger.decide(seats(VIP, "ann", "A-1", "A-2"), DECIDED)))
                .isEqualTo(RejectionReason.SEAT_TAKEN);
        assertThat(ledger.seatsTaken()).isEmpty();

        OrderRequested bob = seats(VIP, "bob", "A-3", "A-1");
        OrderDecision confirmed = ledger.decide(bob, DECIDED);
        assertThat(((OrderConfirmed) confirmed).seats()).containsExactly(SeatId.of("A-3"), SeatId.of("A-1"));
        assertThat(ledger.seatsTaken())
                .containsOnly(Map.entry(SeatId.of("A-1"), bob.orderId()), Map.entry(SeatId.of("A-3"), bob.orderId()));
        assertThat(reason(ledger.decide(seats(VIP, "cat", "A-3"), DECIDED))).isEqualTo(RejectionReason.SEAT_TAKEN);
        assertThat(ledger.state()).isEqualTo(new ItemState(ItemKind.SEATED, 0, true));
    }

    @Test
    void aSeatedOrderByQuantityGetsTheFirstFreeSeatsByOrdinal() {
        ItemLedger ledger =
                seated(seat("C-1", 3, null), seat("A-1", 1, newId()), seat("B-1", 2, null), seat("D-1", 4, null));

        OrderDecision first = ledger.decide(order(VIP, "ann", 2), DECIDED);
        OrderDecision tooMany = ledger.decide(order(VIP, "bob", 2), DECIDED);
        OrderDecision last = ledger.decide(order(VIP, "cat", 1), DECIDED);

        assertThat(((OrderConfirmed) first).seats()).containsExactly(SeatId.of("B-1"), SeatId.of("C-1"));
        assertThat(reason(tooMany)).isEqualTo(RejectionReason.SOLD_OUT);
        assertThat(((OrderConfirmed) last).seats()).containsExactly(SeatId.of("D-1"));
        assertThat(ledger.state().available()).isZero();
    }

    @Test
    void anOrderIsDecidedOnceHoweverOftenItComes() {
        ItemLedger ledger = stock(1, false, Map.of());
        OrderRequested order = order(GA, "ann", 1);

        OrderDecision first = ledger.decide(order, DECIDED);
        OrderDecision again = ledger.decide(order, DECIDED.plusSeconds(5));

        assertThat(again).isSameAs(first).isInstanceOf(OrderConfirmed.class);
        assertThat(ledger.newDecisions()).containsExactly(first);
        assertThat(ledger.state().available()).isZero();
    }

    @Test
    void anOrderDecidedBeforeIsReplayedNotDecidedAgain() {
        OrderRequested order = order(GA, "ann", 1);
        OrderRejected stored = OrderRejected.of(order, RejectionReason.SOLD_OUT, DECIDED.minusSeconds(60));
        ItemLedger ledger = new ItemLedger(
                GA, SALE, new ItemState(ItemKind.STOCK, 10, false), List.of(), Map.of(), List.of(stored));

        assertThat(ledger.decide(order, DECIDED)).isEqualTo(stored);
        assertThat(ledger.newDecisions()).isEmpty();
        assertThat(ledger.itemChanged()).isFalse();
        assertThat(ledger.holdingsChanged()).isEmpty();
    }

    @Test
    void refusesAnOrderOfAnotherItem() {
        assertThatThrownBy(() -> stock(1, false, Map.of()).decide(order(VIP, "ann", 1), DECIDED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spillway.contract.rules.SaleRuleCases#all")
    void decidesByTheSaleRulesTable(Case c) {
        ItemKey key = new ItemKey(c.saleId(), c.sku());
        SaleTerms terms = c.saleId().equals(SaleRuleCases.SALE)
                ? new SaleTerms(SaleRuleCases.OPENS, SaleRuleCases.LIMIT)
                : null;
        ItemState state = null;
        List<Seat> seats = List.of();
        if (terms != null && c.sku().equals(SaleRuleCases.GA)) {
            state = new ItemState(ItemKind.STOCK, 100, false);
        } else if (terms != null && c.sku().equals(SaleRuleCases.VIP)) {
            List<SeatId> vip = SaleRuleCases.VIP_SEATS;
            state = new ItemState(ItemKind.SEATED, vip.size(), false);
            seats = java.util.stream.IntStream.range(0, vip.size())
                    .mapToObj(i -> new Seat(vip.get(i), i, null))
                    .toList();
        }
        CustomerId ann = CustomerId.of("ann");
        ItemLedger ledger = new ItemLedger(key, terms, state, seats, Map.of(ann, c.alreadyHeld()), List.of());

        OrderDecision decision = ledger.decide(
                OrderRequested.of(newId(), ann, c.saleId(), c.sku(), c.quantity(), c.seatIds(), c.placedAt()), DECIDED);

        if (c.inTheLedger() == null) {
            assertThat(decision).isInstanceOf(OrderConfirmed.class);
        } else {
            assertThat(reason(decision)).isEqualTo(c.inTheLedger().rejection());
        }
    }

    private static ItemLedger stock(int available, boolean soldOut, Map<CustomerId, Integer> holdings) {
        return new ItemLedger(
                GA, SALE, new ItemState(ItemKind.STOCK, available, soldOut), List.of(), holdings, List.of());
    }

    private static ItemLedger seated(Seat... seats) {
        int free = (int) List.of(seats).stream().filter(Seat::free).count();
        return new ItemLedger(
                VIP, SALE, new ItemState(ItemKind.SEATED, free, false), List.of(seats), Map.of(), List.of());
    }

    private static Seat seat(String id, int ordinal, OrderId holder) {
        return new Seat(SeatId.of(id), ordinal, holder);
    }

    private static OrderRequested order(ItemKey item, String customer, int quantity) {
        return OrderRequested.of(
                newId(), CustomerId.of(customer), item.saleId(), item.sku(), quantity, List.of(), OPEN);
    }

    private static OrderRequested seats(ItemKey item, String customer, String... seats) {
        return OrderRequested.of(
                newId(),
                CustomerId.of(customer),
                item.saleId(),
                item.sku(),
                seats.length,
                List.of(seats).stream().map(SeatId::of).toList(),
                OPEN);
    }

    private static OrderId newId() {
        return new OrderId(UUID.randomUUID());
    }

    private static RejectionReason reason(OrderDecision decision) {
        assertThat(decision).isInstanceOf(OrderRejected.class);
        return ((OrderRejected) decision).reason();
    }
}
