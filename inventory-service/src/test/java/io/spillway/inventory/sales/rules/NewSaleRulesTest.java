package io.spillway.inventory.sales.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.spillway.contract.ItemKind;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.problems.Violation;
import io.spillway.inventory.sales.rules.NewSale.SeatedItem;
import io.spillway.inventory.sales.rules.NewSale.StockItem;
import io.spillway.inventory.sales.rules.SaleRequest.ItemRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class NewSaleRulesTest {

    private static final ItemRequest GA = new ItemRequest("GA", 10_000, null);
    private static final ItemRequest VIP = new ItemRequest("VIP", null, List.of("A-1", "A-2", "A-3"));
    private static final SaleRequest VALID =
            new SaleRequest("concert-2026-12-24", "Winter concert", "2026-12-24T09:00:00Z", 4, List.of(GA, VIP), null);

    @Test
    void aValidRequestBecomesANewSale() {
        NewSale sale = ((NewSaleRules.Valid) NewSaleRules.check(VALID)).sale();

        assertThat(sale.saleId().value()).isEqualTo("concert-2026-12-24");
        assertThat(sale.name()).isEqualTo("Winter concert");
        assertThat(sale.opensAt()).isEqualTo(Instant.parse("2026-12-24T09:00:00Z"));
        assertThat(sale.perCustomerLimit()).isEqualTo(4);
        assertThat(sale.items()).containsExactly(
                new StockItem(Sku.of("GA"), 10_000),
                new SeatedItem(Sku.of("VIP"), List.of(SeatId.of("A-1"), SeatId.of("A-2"), SeatId.of("A-3"))));
        assertThat(sale.items()).extracting(NewSale.NewItem::kind, NewSale.NewItem::total)
                .containsExactly(tuple(ItemKind.STOCK, 10_000), tuple(ItemKind.SEATED, 3));
    }

    @Test
    void theBoundsThemselvesAreValid() {
        List<ItemRequest> items = new ArrayList<>();
        items.add(new ItemRequest("zero", 0, null));
        items.add(new ItemRequest("max", NewSaleRules.MAX_STOCK, null));
        items.add(new ItemRequest("seats", null, seats(NewSaleRules.MAX_SEATS)));
        IntStream.range(items.size(), NewSaleRules.MAX_ITEMS).forEach(i -> items.add(new ItemRequest("sku-" + i, 1, null)));
        String id = "x".repeat(64);

        assertThat(NewSaleRules.check(new SaleRequest(id, "n", "2026-01-01T00:00:00Z", 1, items, 0))).isInstanceOf(NewSaleRules.Valid.class);
        assertThat(NewSaleRules.check(new SaleRequest(id, "n".repeat(200), "2026-01-01T00:00:00+01:00", 1000, items, NewSaleRules.MAX_HOLD_SECONDS)))
                .isInstanceOf(NewSaleRules.Valid.class);
    }

    @ParameterizedTest(name = "holdSeconds {0} is kept as {1}")
    @CsvSource(nullValues = "absent", value = {"absent, 0", "0, 0", "1, 1", "600, 600", "86400, 86400"})
    void holdSecondsIsOptionalAndAbsentMeansNoHold(Integer holdSeconds, int kept) {
        NewSaleRules.Checked checked = NewSaleRules.check(withHold(holdSeconds));

        assertThat(checked).isInstanceOf(NewSaleRules.Valid.class);
        assertThat(((NewSaleRules.Valid) checked).sale().holdSeconds()).isEqualTo(kept);
    }

    @Test
    void opensAtKeepsMicrosecondsAsTheDatabaseDoes() {
        NewSale sale = ((NewSaleRules.Valid) NewSaleRules.check(with(r -> new SaleRequest(
                r.saleId(), r.name(), "2026-12-24T09:00:00.123456789Z", r.perCustomerLimit(), r.items(), r.holdSeconds())))).sale();

        assertThat(sale.opensAt()).isEqualTo(Instant.parse("2026-12-24T09:00:00.123456Z"));
    }

    @Test
    void opensAtMayBeAnyTimeWithAFourDigitYear() {
        for (String time : List.of("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z")) {
            assertThat(NewSaleRules.check(with(r -> new SaleRequest(r.saleId(), r.name(), time, r.perCustomerLimit(), r.items(), r.holdSeconds()))))
                    .as(time).isInstanceOf(NewSaleRules.Valid.class);
        }
    }

    @Test
    void aPrequeueAndAnOpeningOrderAreOptional() {
        NewSale plain = ((NewSaleRules.Valid) NewSaleRules.check(VALID)).sale();
        NewSale shuffled = ((NewSaleRules.Valid) NewSaleRules.check(with(r -> new SaleRequest(r.saleId(), r.name(), r.opensAt(),
                r.perCustomerLimit(), r.items(), r.holdSeconds(), "2026-12-24T08:59:59.999999Z", "SHUFFLED")))).sale();

        assertThat(plain.prequeueOpensAt()).isNull();
        assertThat(plain.openingOrder()).isEqualTo(io.spillway.contract.OpeningOrder.FIFO);
        assertThat(shuffled.prequeueOpensAt()).isEqualTo(Instant.parse("2026-12-24T08:59:59.999999Z"));
        assertThat(shuffled.openingOrder()).isEqualTo(io.spillway.contract.OpeningOrder.SHUFFLED);
    }

    private static SaleRequest withPrequeue(String prequeueOpensAt, String openingOrder) {
        return with(r -> new SaleRequest(r.saleId(), r.name(), r.opensAt(), r.perCustomerLimit(), r.items(), r.holdSeconds(),
                prequeueOpensAt, openingOrder));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("no saleId", with(r -> new SaleRequest(null, r.name(), r.opensAt(), r.perCustomerLimit(), r.items(), r.holdSeconds())), "saleId"),
                Arguments.of("saleId with /", with(r -> new SaleRequest("a/b", r.name(), r.opensAt(), r.perCustomerLimit(), r.items(), r.holdSeconds())), "saleId"),
                Arguments.of("saleId of 65", with(r -> new SaleRequest("x".repeat(65), r.name(), r.opensAt(), r.perCustomerLimit(), r.items(), r.holdSeconds())), "saleId"),
                Arguments.of("no name", with(r -> new SaleRequest(r.saleId(), null, r.opensAt(), r.perCustomerLimit(), r.items(), r.holdSeconds())), "name"),
                Arguments.of("blank name", with(r -> new SaleRequest(r.saleId(), "  ", r.opensAt(), r.perCustomerLimit(), r.items(), r.holdSeconds())), "name"),
                Arguments.of("name of 201", with(r -> new SaleRequest(r.saleId(), "n".repeat(201), r.opensAt(), r.perCustomerLimit(), r.items(), r.holdSeconds())), "name"),
                Arguments.of("name with NUL", with(r -> new SaleRequest(r.saleId(), "a\u0000b", r.opensAt(), r.perCustomerLimit(), r.items(), r.holdSeconds())), "name"),
                Arguments.of("no opensAt", with(r -> new SaleRequest(r.saleId(), r.name(), null, r.perCustomerLimit(), r.items(), r.holdSeconds())), "opensAt"),
                Arguments.of("opensAt a date", with(r -> new SaleRequest(r.saleId(), r.name(), "2026-12-24", r.perCustomerLimit(), r.items(), r.holdSeconds())), "opensAt"),
                Arguments.of("opensAt beyond timestamptz", with(r -> new SaleRequest(r.saleId(), r.name(), "+300000-01-01T00:00:00Z", r.perCustomerLimit(), r.items(), r.holdSeconds())), "opensAt"),
                Arguments.of("opensAt year 10000", with(r -> new SaleRequest(r.saleId(), r.name(), "+10000-01-01T00:00:00Z", r.perCustomerLimit(), r.items(), r.holdSeconds())), "opensAt"),
                Arguments.of("opensAt before year 1", with(r -> new SaleRequest(r.saleId(), r.name(), "0000-12-31T23:59:59Z", r.perCustomerLimit(), r.items(), r.holdSeconds())), "opensAt"),
                Arguments.of("opensAt at Instant.MAX", with(r -> new SaleRequest(r.saleId(), r.name(), Instant.MAX.toString(), r.perCustomerLimit(), r.items(), r.holdSeconds())), "opensAt"),
                Arguments.of("name with half a surrogate pair", with(r -> new SaleRequest(r.saleId(), "a\ud800b", r.opensAt(), r.perCustomerLimit(), r.items(), r.holdSeconds())), "name"),
                Arguments.of("opensAt local", with(r -> new SaleRequest(r.saleId(), r.name(), "2026-12-24T09:00:00", r.perCustomerLimit(), r.items(), r.holdSeconds())), "opensAt"),
                Arguments.of("no limit", with(r -> new SaleRequest(r.saleId(), r.name(), r.opensAt(), null, r.items(), r.holdSeconds())), "perCustomerLimit"),
                Arguments.of("limit 0", with(r -> new SaleRequest(r.saleId(), r.name(), r.opensAt(), 0, r.items(), r.holdSeconds())), "perCustomerLimit"),
                Arguments.of("limit 1001", with(r -> new SaleRequest(r.saleId(), r.name(), r.opensAt(), 1001, r.items(), r.holdSeconds())), "perCustomerLimit"),
                Arguments.of("hold -1", withHold(-1), "holdSeconds"),
                Arguments.of("prequeue at opensAt", withPrequeue("2026-12-24T09:00:00Z", null), "prequeueOpensAt"),
                Arguments.of("prequeue after opensAt", withPrequeue("2026-12-24T09:00:00.000001Z", null), "prequeueOpensAt"),
                Arguments.of("prequeue year 10000", withPrequeue("+10000-01-01T00:00:00Z", null), "prequeueOpensAt"),
                Arguments.of("prequeue before year 1", withPrequeue("0000-12-31T23:59:59Z", null), "prequeueOpensAt"),
                Arguments.of("prequeue not a time", withPrequeue("soon", null), "prequeueOpensAt"),
                Arguments.of("unknown openingOrder", withPrequeue(null, "RANDOM"), "openingOrder"),
                Arguments.of("openingOrder in lower case", withPrequeue(null, "fifo"), "openingOrder"),
                Arguments.of("hold of a day and a second", withHold(NewSaleRules.MAX_HOLD_SECONDS + 1), "holdSeconds"),
                Arguments.of("hold at Integer.MIN_VALUE", withHold(Integer.MIN_VALUE), "holdSeconds"),
                Arguments.of("hold at Integer.MAX_VALUE", withHold(Integer.MAX_VALUE), "holdSeconds"),
                Arguments.of("no items", withItems((ItemRequest[]) null), "items"),
                Arguments.of("empty items", withItems(), "items"),
                Arguments.of("101 items", withItems(IntStream.range(0, 101).mapToObj(i -> new ItemRequest("s" + i, 1, null)).toArray(ItemRequest[]::new)), "items"),
                Arguments.of("null item", withItems(GA, null), "items[1]"),
                Arguments.of("no sku", withItems(new ItemRequest(null, 1, null)), "items[0].sku"),
                Arguments.of("bad sku", withItems(new ItemRequest("G A", 1, null)), "items[0].sku"),
                Arguments.of("repeated sku", withItems(GA, new ItemRequest("GA", null, List.of("A-1"))), "items[1].sku"),
                Arguments.of("neither stock nor seats", withItems(new ItemRequest("GA", null, null)), "items[0]"),
                Arguments.of("stock and seats", withItems(new ItemRequest("GA", 1, List.of("A-1"))), "items[0]"),
                Arguments.of("negative stock", withItems(new ItemRequest("GA", -1, null)), "items[0].stock"),
                Arguments.of("stock above max", withItems(new ItemRequest("GA", NewSaleRules.MAX_STOCK + 1, null)), "items[0].stock"),
                Arguments.of("no seats", withItems(new ItemRequest("VIP", null, List.of())), "items[0].seats"),
                Arguments.of("too many seats", withItems(new ItemRequest("VIP", null, seats(NewSaleRules.MAX_SEATS + 1))), "items[0].seats"),
                Arguments.of("bad seat", withItems(GA, new ItemRequest("VIP", null, List.of("A-1", "A 2"))), "items[1].seats[1]"),
                Arguments.of("null seat", withItems(new ItemRequest("VIP", null, Arrays.asList("A-1", null))), "items[0].seats[1]"),
                Arguments.of("repeated seat", withItems(new ItemRequest("VIP", null, List.of("A-1", "A-2", "A-1"))), "items[0].seats[2]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void invalid(String name, SaleRequest request, String field) {
        NewSaleRules.Checked checked = NewSaleRules.check(request);

        assertThat(checked).isInstanceOf(NewSaleRules.Invalid.class);
        assertThat(((NewSaleRules.Invalid) checked).violations()).extracting(Violation::field).containsExactly(field);
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        NewSaleRules.Checked checked = NewSaleRules.check(new SaleRequest("a b", "", "soon", 0,
                List.of(new ItemRequest("GA", -5, null), new ItemRequest("GA", null, null)), -1));

        assertThat(((NewSaleRules.Invalid) checked).violations()).extracting(Violation::field).containsExactly(
                "saleId", "name", "opensAt", "perCustomerLimit", "holdSeconds", "items[0].stock", "items[1].sku", "items[1]");
    }

    @Test
    void aFloodOfBadSeatsIsReportedInPart() {
        List<String> bad = IntStream.range(0, 5_000).mapToObj(i -> "bad seat " + i).toList();

        NewSaleRules.Checked checked = NewSaleRules.check(withItems(new ItemRequest("VIP", null, bad)));

        assertThat(((NewSaleRules.Invalid) checked).violations()).hasSize(NewSaleRules.MAX_VIOLATIONS)
                .first().isEqualTo(new Violation("items[0].seats[0]", "must be 1-64 of A-Z a-z 0-9 . _ -"));
    }

    private static SaleRequest with(UnaryOperator<SaleRequest> change) {
        return change.apply(VALID);
    }

    private static SaleRequest withItems(ItemRequest... items) {
        return new SaleRequest(VALID.saleId(), VALID.name(), VALID.opensAt(), VALID.perCustomerLimit(),
                items == null ? null : Arrays.asList(items), VALID.holdSeconds());
    }

    private static SaleRequest withHold(Integer holdSeconds) {
        return with(r -> new SaleRequest(r.saleId(), r.name(), r.opensAt(), r.perCustomerLimit(), r.items(), holdSeconds));
    }

    private static List<String> seats(int count) {
        return IntStream.range(0, count).mapToObj(i -> "S-" + i).toList();
    }
}
