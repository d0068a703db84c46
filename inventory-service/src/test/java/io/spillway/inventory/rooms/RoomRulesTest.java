package io.spillway.inventory.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.OpeningOrder;
import io.spillway.contract.problems.Violation;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoomRulesTest {

    private static final RoomRequest VALID = new RoomRequest("shop-black-friday", "Black Friday", "2026-11-27T09:00:00Z",
            "2026-11-27T08:30:00Z", "SHUFFLED", 600, 50, 900, "https://shop.example/checkout?from=spillway");

    @Test
    void aValidRequestBecomesANewRoomWithASalesOpening() {
        NewRoom room = ((RoomRules.Valid) RoomRules.check(VALID)).room();

        assertThat(room.roomId().value()).isEqualTo("shop-black-friday");
        assertThat(room.opening().opensAt()).isEqualTo(Instant.parse("2026-11-27T09:00:00Z"));
        assertThat(room.opening().prequeueOpensAt()).isEqualTo(Instant.parse("2026-11-27T08:30:00Z"));
        assertThat(room.opening().openingOrder()).isEqualTo(OpeningOrder.SHUFFLED);
        assertThat(room.admitPerMinute()).isEqualTo(600);
        assertThat(room.maxActive()).isEqualTo(50);
        assertThat(room.sessionSeconds()).isEqualTo(900);
        assertThat(room.checkoutUrl()).isEqualTo(URI.create("https://shop.example/checkout?from=spillway"));
    }

    @Test
    void zeroRatesMeanNoCapAndAnAbsentOpeningOrderIsFifo() {
        NewRoom room = ((RoomRules.Valid) RoomRules.check(new RoomRequest("r", "n", "2026-01-01T00:00:00Z", null, null,
                0, 0, 1, "http://localhost:8080/"))).room();

        assertThat(room.admitPerMinute()).isZero();
        assertThat(room.maxActive()).isZero();
        assertThat(room.opening().openingOrder()).isEqualTo(OpeningOrder.FIFO);
        assertThat(room.opening().prequeueOpensAt()).isNull();
    }

    @Test
    void theOpeningIsCheckedByTheSalesRulesAndEveryFieldIsNamed() {
        RoomRules.Checked checked = RoomRules.check(new RoomRequest("a/b", " ", "tomorrow", "2026-11-27T10:00:00Z", "RANDOM",
                -1, null, 0, null));

        assertThat(((RoomRules.Invalid) checked).violations()).extracting(Violation::field).containsExactly(
                "roomId", "name", "opensAt", "openingOrder", "admitPerMinute", "maxActive", "sessionSeconds", "checkoutUrl");
    }

    @Test
    void aPrequeueMustOpenBeforeTheRoom() {
        RoomRules.Checked checked = RoomRules.check(new RoomRequest("r", "n", "2026-11-27T09:00:00Z", "2026-11-27T09:00:00Z",
                null, 1, 1, 1, "https://shop.example/"));

        assertThat(((RoomRules.Invalid) checked).violations())
                .containsExactly(new Violation("prequeueOpensAt", "must be before opensAt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop.example/checkout", "/checkout", "ftp://shop.example/", "javascript:alert(1)",
        "https://user:pw@shop.example/", "https://shop.example/#top", "https://shop example/", "https:///path"})
    void theCheckoutUrlMustBeAnAbsoluteHttpUrl(String url) {
        RoomRules.Checked checked = RoomRules.check(new RoomRequest("r", "n", "2026-11-27T09:00:00Z", null, null, 1, 1, 1, url));

        assertThat(((RoomRules.Invalid) checked).violations()).extracting(Violation::field).containsExactly("checkoutUrl");
    }

    @Test
    void theBoundsThemselvesAreValid() {
        assertThat(RoomRules.check(new RoomRequest("x".repeat(64), "n".repeat(200), "9999-12-31T00:00:00Z", null, "FIFO",
                RoomRules.MAX_ADMIT_PER_MINUTE, RoomRules.MAX_ACTIVE, RoomRules.MAX_SESSION_SECONDS,
                "https://shop.example/" + "a".repeat(RoomRules.MAX_URL - 21)))).isInstanceOf(RoomRules.Valid.class);
        assertThat(RoomRules.check(new RoomRequest("r", "n", "2026-01-01T00:00:00Z", null, null,
                RoomRules.MAX_ADMIT_PER_MINUTE + 1, RoomRules.MAX_ACTIVE + 1, RoomRules.MAX_SESSION_SECONDS + 1,
                "https://shop.example/" + "a".repeat(RoomRules.MAX_URL - 20))))
                .isInstanceOfSatisfying(RoomRules.Invalid.class, invalid -> assertThat(invalid.violations())
                        .extracting(Violation::field)
                        .containsExactly("admitPerMinute", "maxActive", "sessionSeconds", "checkoutUrl"));
    }

    @Test
    void aChangeOfRatesNeedsOneRateInItsRange() {
        assertThat(RoomRules.checkRates(new RateChange(1200, null))).isEmpty();
        assertThat(RoomRules.checkRates(new RateChange(null, 0))).isEmpty();
        assertThat(RoomRules.checkRates(new RateChange(null, null))).extracting(Violation::field).containsExactly("admitPerMinute");
        assertThat(RoomRules.checkRates(new RateChange(-1, RoomRules.MAX_ACTIVE + 1)))
                .extracting(Violation::field).containsExactly("admitPerMinute", "maxActive");
    }

    @Test
    void aSalesOpeningRuleIsTheRoomsToo() {
        // One table of cases for both: the sale's rule on prequeueOpensAt answers the room as well.
        List<Violation> sale = ((io.spillway.inventory.sales.rules.NewSaleRules.Invalid) io.spillway.inventory.sales.rules.NewSaleRules
                .check(new io.spillway.inventory.sales.rules.SaleRequest("s", "n", "2026-11-27T09:00:00Z", 1,
                        List.of(new io.spillway.inventory.sales.rules.SaleRequest.ItemRequest("GA", 1, null)), 0,
                        "2026-11-28T00:00:00Z", "fifo"))).violations();
        List<Violation> room = ((RoomRules.Invalid) RoomRules.check(new RoomRequest("r", "n", "2026-11-27T09:00:00Z",
                "2026-11-28T00:00:00Z", "fifo", 1, 1, 1, "https://shop.example/"))).violations();

        assertThat(room).isEqualTo(sale);
    }
}
