package io.spillway.ingest.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.ItemKey;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatChunk;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.rules.SaleRule.Breach;
import io.spillway.contract.rules.SaleRuleCases;
import io.spillway.contract.rules.SaleRuleCases.Case;
import io.spillway.contract.rules.SaleRules;
import io.spillway.ingest.catalog.DoorVerdict.Reason;
import io.spillway.ingest.catalog.DoorVerdict.Refuse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SaleBookTest {

    private static final Instant OPENS = Instant.parse("2026-12-24T09:00:00Z");
    private static final Instant OPEN = OPENS.plusSeconds(1);
    private static final SaleId SALE = SaleId.of("concert");
    private static final Sku GA = Sku.of("GA");
    private static final Sku VIP = Sku.of("VIP");

    private final SaleBook book = new SaleBook();

    SaleBookTest() {
        define(book, SaleDefined.of(SALE, "Concert", OPENS, 4, List.of(
                ItemDefinition.stock(GA, 100), ItemDefinition.seated(VIP, 2))), VIP, List.of(SeatId.of("A-1"), SeatId.of("A-2")));
    }

    /** The sale and the seat chunks of its one seated item, as the relay publishes them. */
    static void define(SaleBook book, SaleDefined sale, Sku seated, List<SeatId> seats) {
        SeatChunk.split(sale.saleId(), seated, seats).forEach(book::seats);
        book.define(sale);
    }

    private Reason refusal(SaleId sale, Sku sku, int quantity, List<SeatId> seats, Instant now) {
        DoorVerdict verdict = book.check(sale, sku, quantity, seats, now);
        assertThat(verdict).isInstanceOf(Refuse.class);
        return ((Refuse) verdict).reason();
    }

    @Test
    void passesAnOrderThatMayFit() {
        assertThat(book.check(SALE, GA, 4, List.of(), OPEN)).isEqualTo(DoorVerdict.PASS);
        assertThat(book.check(SALE, VIP, 2, List.of(SeatId.of("A-2"), SeatId.of("A-1")), OPEN)).isEqualTo(DoorVerdict.PASS);
        assertThat(book.check(SALE, VIP, 1, List.of(), OPEN)).isEqualTo(DoorVerdict.PASS);
    }

    @Test
    void refusesWhatCannotSucceed() {
        assertThat(refusal(SaleId.of("other"), GA, 1, List.of(), OPEN)).isEqualTo(Reason.UNKNOWN_SALE);
        assertThat(refusal(SALE, Sku.of("BALCONY"), 1, List.of(), OPEN)).isEqualTo(Reason.UNKNOWN_ITEM);
        assertThat(refusal(SALE, VIP, 2, List.of(SeatId.of("A-1"), SeatId.of("B-1")), OPEN)).isEqualTo(Reason.SEATS_NOT_IN_ITEM);
        assertThat(refusal(SALE, GA, 1, List.of(SeatId.of("A-1")), OPEN)).isEqualTo(Reason.SEATS_ON_STOCK_ITEM);
        assertThat(refusal(SALE, GA, 5, List.of(), OPEN)).isEqualTo(Reason.ABOVE_CUSTOMER_LIMIT);
        assertThat(Reason.ABOVE_CUSTOMER_LIMIT.impossible()).isTrue();
    }

    @Test
    void aSaleWithAPrequeueTakesOrdersFromThePrequeueAndSaysWhenThatOpens() {
        SaleBook prequeued = new SaleBook();
        Instant prequeue = OPENS.minusSeconds(1_800);
        prequeued.define(SaleDefined.of(SALE, "Concert", OPENS, 4, List.of(ItemDefinition.stock(GA, 100)), prequeue));

        assertThat(prequeued.check(SALE, GA, 1, List.of(), prequeue.minusSeconds(30)))
                .isEqualTo(new Refuse(Reason.NOT_OPEN, "saleId", "opens at " + prequeue, Duration.ofSeconds(30)));
        assertThat(prequeued.check(SALE, GA, 1, List.of(), prequeue)).isEqualTo(DoorVerdict.PASS);
        assertThat(prequeued.check(SALE, GA, 1, List.of(), OPENS.minusNanos(1))).isEqualTo(DoorVerdict.PASS);
        assertThat(prequeued.check(SALE, GA, 1, List.of(), OPENS)).isEqualTo(DoorVerdict.PASS);
    }

    @Test
    void aSaleNotOpenYetSaysWhenItOpens() {
        DoorVerdict verdict = book.check(SALE, GA, 1, List.of(), OPENS.minusSeconds(90));

        assertThat(verdict).isEqualTo(new Refuse(Reason.NOT_OPEN, "saleId", "opens at " + OPENS, Duration.ofSeconds(90)));
        assertThat(Reason.NOT_OPEN.impossible()).isFalse();
        assertThat(book.check(SALE, GA, 1, List.of(), OPENS)).isEqualTo(DoorVerdict.PASS);
    }

    @Test
    void aSoldOutItemIsRefusedAndTheOtherItemsAreNot() {
        book.update(ItemAvailability.of(SALE, GA, 0, true));

        assertThat(refusal(SALE, GA, 1, List.of(), OPEN)).isEqualTo(Reason.SOLD_OUT);
        assertThat(book.check(SALE, VIP, 1, List.of(), OPEN)).isEqualTo(DoorVerdict.PASS);

        book.update(ItemAvailability.of(SALE, GA, 3, false));
        assertThat(book.check(SALE, GA, 1, List.of(), OPEN)).isEqualTo(DoorVerdict.PASS);
        book.update(ItemAvailability.of(SALE, GA, 0, true));
        book.forget(new ItemKey(SALE, GA));
        assertThat(book.check(SALE, GA, 1, List.of(), OPEN)).isEqualTo(DoorVerdict.PASS);
    }

    @Test
    void aRedefinedSaleReplacesTheOldAndAForgottenOneIsUnknown() {
        book.define(SaleDefined.of(SALE, "Concert", OPENS, 1, List.of(ItemDefinition.stock(GA, 1))));
        assertThat(refusal(SALE, GA, 2, List.of(), OPEN)).isEqualTo(Reason.ABOVE_CUSTOMER_LIMIT);
        assertThat(refusal(SALE, VIP, 1, List.of(), OPEN)).isEqualTo(Reason.UNKNOWN_ITEM);

        book.forget(SALE);
        assertThat(refusal(SALE, GA, 1, List.of(), OPEN)).isEqualTo(Reason.UNKNOWN_SALE);
    }

    @Test
    void checksSeatsOfAHundredThousandSeatItemQuickly() {
        List<SeatId> seats = IntStream.range(0, 100_000).mapToObj(i -> SeatId.of("S-" + i)).toList();
        define(book, SaleDefined.of(SaleId.of("arena"), "Arena", OPENS, 4,
                List.of(ItemDefinition.seated(Sku.of("FLOOR"), seats.size()))), Sku.of("FLOOR"), seats);

        assertThat(book.check(SaleId.of("arena"), Sku.of("FLOOR"), 2, List.of(SeatId.of("S-99999"), SeatId.of("S-0")), OPEN))
                .isEqualTo(DoorVerdict.PASS);
        assertThat(refusal(SaleId.of("arena"), Sku.of("FLOOR"), 1, List.of(SeatId.of("S-100000")), OPEN))
                .isEqualTo(Reason.SEATS_NOT_IN_ITEM);
    }

    @Test
    void aSaleIsUnknownUntilItsDefinitionAndEveryChunkAreInWhateverTheirOrder() {
        SaleId arena = SaleId.of("arena");
        Sku floor = Sku.of("FLOOR");
        List<SeatId> seats = IntStream.range(0, 25_000).mapToObj(i -> SeatId.of("S-" + i)).toList();
        List<SeatChunk> chunks = SeatChunk.split(arena, floor, seats);
        List<SeatId> last = List.of(SeatId.of("S-24999"));

        book.seats(chunks.get(2));
        book.define(SaleDefined.of(arena, "Arena", OPENS, 4, List.of(ItemDefinition.seated(floor, seats.size()))));
        book.seats(chunks.get(0));
        assertThat(refusal(arena, floor, 1, last, OPEN)).isEqualTo(Reason.UNKNOWN_SALE);
        assertThat(book.assembling()).isEqualTo(1);

        book.seats(chunks.get(1));

        assertThat(book.check(arena, floor, 1, last, OPEN)).isEqualTo(DoorVerdict.PASS);
        assertThat(refusal(arena, floor, 1, List.of(SeatId.of("S-25000")), OPEN)).isEqualTo(Reason.SEATS_NOT_IN_ITEM);
        assertThat(book.assembling()).isZero();
        assertThat(book.size()).isEqualTo(2);
    }

    @Test
    void inAnyOrderOfArrivalTheSaleIsKnownOnlyOnceTheLastPieceIsIn() {
        SaleId hall = SaleId.of("hall");
        List<Sku> skus = List.of(Sku.of("A"), Sku.of("B"), Sku.of("C"));
        List<List<SeatId>> seats = List.of(
                IntStream.range(0, 25_000).mapToObj(i -> SeatId.of("A-" + i)).toList(),
                IntStream.range(0, 10_000).mapToObj(i -> SeatId.of("B-" + i)).toList(),
                List.of(SeatId.of("C-0")));
        SaleDefined sale = SaleDefined.of(hall, "Hall", OPENS, 4,
                IntStream.range(0, 3).mapToObj(i -> ItemDefinition.seated(skus.get(i), seats.get(i).size())).toList());
        for (long seed = 0; seed < 20; seed++) {
            SaleBook fresh = new SaleBook();
            List<Runnable> pieces = new ArrayList<>();
            pieces.add(() -> fresh.define(sale));
            for (int i = 0; i < 3; i++) {
                SeatChunk.split(hall, skus.get(i), seats.get(i)).forEach(chunk -> pieces.add(() -> fresh.seats(chunk)));
            }
            Collections.shuffle(pieces, new Random(seed));

            for (Runnable piece : pieces.subList(0, pieces.size() - 1)) {
                piece.run();
                assertThat(fresh.check(hall, skus.get(2), 1, List.of(SeatId.of("C-0")), OPEN))
                        .as("seed %d", seed).isInstanceOfSatisfying(Refuse.class,
                                refuse -> assertThat(refuse.reason()).isEqualTo(Reason.UNKNOWN_SALE));
            }
            pieces.getLast().run();

            for (int i = 0; i < 3; i++) {
                assertThat(fresh.check(hall, skus.get(i), 1, List.of(seats.get(i).getLast()), OPEN)).isEqualTo(DoorVerdict.PASS);
            }
            assertThat(fresh.check(hall, skus.get(1), 1, List.of(SeatId.of("A-0")), OPEN)).isInstanceOf(Refuse.class);
            assertThat(fresh.seatsKept()).isEqualTo(35_001);
        }
    }

    @Test
    void aPausedSaleIsRefusedForNowWithItsSeatsKeptAndResumingTakesOrdersAgain() {
        SaleDefined sale = SaleDefined.of(SALE, "Concert", OPENS, 4, List.of(
                ItemDefinition.stock(GA, 100), ItemDefinition.seated(VIP, 2)));
        book.define(sale.withPaused(true));
        assertThat(book.assembling()).isZero();
        DoorVerdict paused = book.check(SALE, VIP, 1, List.of(SeatId.of("A-1")), OPEN);
        assertThat(paused).isInstanceOf(Refuse.class);
        assertThat(((Refuse) paused).reason()).isEqualTo(Reason.PAUSED);
        assertThat(((Refuse) paused).retryAfter()).isPositive();
        assertThat(Reason.PAUSED.impossible()).isFalse();
        // What cannot succeed at all is still said to be impossible.
        assertThat(refusal(SALE, VIP, 1, List.of(SeatId.of("B-1")), OPEN)).isEqualTo(Reason.SEATS_NOT_IN_ITEM);

        book.define(sale);
        assertThat(book.check(SALE, VIP, 1, List.of(SeatId.of("A-1")), OPEN)).isEqualTo(DoorVerdict.PASS);
        assertThat(book.seatsKept()).isEqualTo(2);

        book.define(sale.withPaused(true).withClosedAt(OPEN));
        assertThat(refusal(SALE, GA, 1, List.of(), OPEN)).isEqualTo(Reason.CLOSED);
        assertThat(((Refuse) book.check(SALE, GA, 1, List.of(), OPEN)).retryAfter()).isNull();
    }

    @Test
    void aSalePublishedAgainIsIgnoredAndAChangedOneAnswersOnlyOnceComplete() {
        SaleDefined again = SaleDefined.of(SALE, "Concert", OPENS, 4, List.of(
                ItemDefinition.stock(GA, 100), ItemDefinition.seated(VIP, 2)));
        SeatChunk.split(SALE, VIP, List.of(SeatId.of("A-1"), SeatId.of("A-2"))).forEach(book::seats);
        book.define(again);
        assertThat(book.assembling()).isZero();

        book.define(SaleDefined.of(SALE, "Concert", OPENS, 4, List.of(ItemDefinition.seated(VIP, 1))));
        assertThat(book.check(SALE, VIP, 1, List.of(SeatId.of("A-2")), OPEN)).isEqualTo(DoorVerdict.PASS);

        book.seats(SeatChunk.of(SALE, VIP, 0, List.of(SeatId.of("B-1"))));
        assertThat(refusal(SALE, VIP, 1, List.of(SeatId.of("A-2")), OPEN)).isEqualTo(Reason.SEATS_NOT_IN_ITEM);
        assertThat(book.check(SALE, VIP, 1, List.of(SeatId.of("B-1")), OPEN)).isEqualTo(DoorVerdict.PASS);
    }

    @Test
    void aSaleWhoseItemsGrewIsKnownAtOnceAndItsGrownSeatedItemLetsAnySeatThrough() {
        // The relay publishes the grown item's chunks, then the sale: the chunks of a known sale are ignored.
        SeatChunk.split(SALE, VIP, List.of(SeatId.of("A-1"), SeatId.of("A-2"), SeatId.of("A-3"))).forEach(book::seats);
        book.define(SaleDefined.of(SALE, "Concert", OPENS, 4, List.of(
                ItemDefinition.stock(GA, 150), ItemDefinition.seated(VIP, 3))).withPaused(true));

        assertThat(book.assembling()).isZero();
        assertThat(refusal(SALE, GA, 1, List.of(), OPEN)).isEqualTo(Reason.PAUSED);
        book.define(SaleDefined.of(SALE, "Concert", OPENS, 4, List.of(
                ItemDefinition.stock(GA, 150), ItemDefinition.seated(VIP, 3))));
        assertThat(book.check(SALE, VIP, 1, List.of(SeatId.of("A-3")), OPEN)).isEqualTo(DoorVerdict.PASS);
        // The processor decides the seats of a grown item; the door's other rules still hold.
        assertThat(book.check(SALE, VIP, 1, List.of(SeatId.of("Z-9")), OPEN)).isEqualTo(DoorVerdict.PASS);
        assertThat(refusal(SALE, GA, 1, List.of(SeatId.of("A-1")), OPEN)).isEqualTo(Reason.SEATS_ON_STOCK_ITEM);
        assertThat(refusal(SALE, GA, 5, List.of(), OPEN)).isEqualTo(Reason.ABOVE_CUSTOMER_LIMIT);

        // A door started afterwards assembles the new seats and refuses unknown ones again.
        SaleBook restarted = new SaleBook();
        define(restarted, SaleDefined.of(SALE, "Concert", OPENS, 4, List.of(
                ItemDefinition.stock(GA, 150), ItemDefinition.seated(VIP, 3))), VIP,
                List.of(SeatId.of("A-1"), SeatId.of("A-2"), SeatId.of("A-3")));
        assertThat(restarted.check(SALE, VIP, 1, List.of(SeatId.of("A-3")), OPEN)).isEqualTo(DoorVerdict.PASS);
        assertThat(restarted.check(SALE, VIP, 1, List.of(SeatId.of("Z-9")), OPEN)).isInstanceOf(Refuse.class);
    }

    @Test
    void aSaleWhoseItemsAreAllSoldOutDropsItsSeatsAndAnswersAsBeforeButForSeatsItNeverHad() {
        book.update(ItemAvailability.of(SALE, VIP, 0, true));
        assertThat(book.seatsKept()).isEqualTo(2);
        assertThat(refusal(SALE, VIP, 1, List.of(SeatId.of("B-9")), OPEN)).isEqualTo(Reason.SEATS_NOT_IN_ITEM);

        book.update(ItemAvailability.of(SALE, GA, 0, true));

        assertThat(book.seatsKept()).isZero();
        assertThat(refusal(SALE, VIP, 1, List.of(SeatId.of("A-1")), OPEN)).isEqualTo(Reason.SOLD_OUT);
        assertThat(refusal(SALE, GA, 1, List.of(), OPEN)).isEqualTo(Reason.SOLD_OUT);
        assertThat(refusal(SALE, Sku.of("BALCONY"), 1, List.of(), OPEN)).isEqualTo(Reason.UNKNOWN_ITEM);
        assertThat(refusal(SALE, GA, 1, List.of(SeatId.of("A-1")), OPEN)).isEqualTo(Reason.SEATS_ON_STOCK_ITEM);
        assertThat(refusal(SALE, GA, 5, List.of(), OPEN)).isEqualTo(Reason.ABOVE_CUSTOMER_LIMIT);
        assertThat(refusal(SALE, GA, 1, List.of(), OPENS.minusSeconds(1))).isEqualTo(Reason.NOT_OPEN);
        // The one answer that changes: a seat the item never had is sold out, not unknown.
        assertThat(refusal(SALE, VIP, 1, List.of(SeatId.of("B-9")), OPEN)).isEqualTo(Reason.SOLD_OUT);
        // Published again (a relay restart), the sale stays ended and its chunks are not kept.
        SeatChunk.split(SALE, VIP, List.of(SeatId.of("A-1"), SeatId.of("A-2"))).forEach(book::seats);
        book.define(SaleDefined.of(SALE, "Concert", OPENS, 4, List.of(ItemDefinition.stock(GA, 100), ItemDefinition.seated(VIP, 2))));
        assertThat(book.seatsKept()).isZero();
        assertThat(book.assembling()).isZero();

        // More stock later: the door no longer knows the seats and leaves them to the processor.
        book.update(ItemAvailability.of(SALE, VIP, 1, false));
        assertThat(book.check(SALE, VIP, 1, List.of(SeatId.of("B-9")), OPEN)).isEqualTo(DoorVerdict.PASS);
    }

    @Test
    void aSaleThatEndedBeforeItsSeatsArriveIsKnownWithoutThem() {
        SaleId arena = SaleId.of("arena");
        Sku floor = Sku.of("FLOOR");
        book.define(SaleDefined.of(arena, "Arena", OPENS, 4, List.of(ItemDefinition.seated(floor, 20_000))));
        book.update(ItemAvailability.of(arena, floor, 0, true));

        book.seats(SeatChunk.of(arena, floor, 0, List.of(SeatId.of("S-1"))));

        assertThat(refusal(arena, floor, 1, List.of(SeatId.of("S-1")), OPEN)).isEqualTo(Reason.SOLD_OUT);
        assertThat(book.assembling()).isZero();
        assertThat(book.seatsKept()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.spillway.contract.rules.SaleRuleCases#all")
    void refusesByTheSaleRulesTable(Case c) {
        SaleBook table = new SaleBook();
        define(table, SaleDefined.of(SaleRuleCases.SALE, "Concert", SaleRuleCases.OPENS, SaleRuleCases.LIMIT, List.of(
                ItemDefinition.stock(SaleRuleCases.GA, 100),
                ItemDefinition.seated(SaleRuleCases.VIP, SaleRuleCases.VIP_SEATS.size()))),
                SaleRuleCases.VIP, SaleRuleCases.VIP_SEATS);

        DoorVerdict verdict = table.check(c.saleId(), c.sku(), c.quantity(), c.seatIds(), c.placedAt());

        if (c.atTheDoor() == null) {
            assertThat(verdict).isEqualTo(DoorVerdict.PASS);
        } else {
            Breach expected = SaleRules.firstBreach(SaleRules.AT_THE_DOOR, c.asSeenBy(true)).orElseThrow();
            assertThat(verdict).isInstanceOfSatisfying(Refuse.class, refuse -> {
                assertThat(refuse.field()).isEqualTo(expected.field());
                assertThat(refuse.message()).isEqualTo(expected.message());
                assertThat(refuse.reason().rule()).isEqualTo(c.atTheDoor());
            });
        }
    }
}
