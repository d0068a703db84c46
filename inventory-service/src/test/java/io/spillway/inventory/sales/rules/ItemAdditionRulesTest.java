package io.spillway.inventory.sales.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.SeatId;
import io.spillway.inventory.sales.rules.ItemAdditionRules.Invalid;
import io.spillway.inventory.sales.rules.ItemAdditionRules.Request;
import io.spillway.inventory.sales.rules.ItemAdditionRules.Seats;
import io.spillway.inventory.sales.rules.ItemAdditionRules.Stock;
import io.spillway.inventory.sales.rules.ItemAdditionRules.Valid;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemAdditionRulesTest {

    @Test
    void takesStockOrSeats() {
        assertThat(ItemAdditionRules.check(new Request(3, null))).isEqualTo(new Valid(new Stock(3)));
        assertThat(ItemAdditionRules.check(new Request(null, List.of("B-1", "B-2"))))
                .isEqualTo(new Valid(new Seats(List.of(SeatId.of("B-1"), SeatId.of("B-2")))));
        assertThat(ItemAdditionRules.check(new Request(NewSaleRules.MAX_STOCK, null))).isInstanceOf(Valid.class);
    }

    @Test
    void namesTheFieldOfEveryBodyThatIsWrongOnItsOwn() {
        assertThat(field(new Request(null, null))).containsExactly("addStock");
        assertThat(field(new Request(1, List.of("B-1")))).containsExactly("addStock");
        assertThat(field(new Request(0, null))).containsExactly("addStock");
        assertThat(field(new Request(-5, null))).containsExactly("addStock");
        assertThat(field(new Request(NewSaleRules.MAX_STOCK + 1, null))).containsExactly("addStock");
        assertThat(field(new Request(null, List.of()))).containsExactly("addSeats");
        assertThat(field(new Request(null, Collections.nCopies(NewSaleRules.MAX_SEATS + 1, "B-1")))).containsExactly("addSeats");
        assertThat(field(new Request(null, List.of("B-1", "B 2", "B-1")))).containsExactly("addSeats[1]", "addSeats[2]");
        assertThat(ItemAdditionRules.check(null)).isInstanceOf(Invalid.class);
    }

    @Test
    void anItemMayGrowAsFarAsANewOneMayBe() {
        assertThat(ItemAdditionRules.largestItem(new Stock(1))).isEqualTo(NewSaleRules.MAX_STOCK);
        assertThat(ItemAdditionRules.largestItem(new Seats(List.of(SeatId.of("B-1"))))).isEqualTo(NewSaleRules.MAX_SEATS);
    }

    private static List<String> field(Request request) {
        return ((Invalid) ItemAdditionRules.check(request)).violations().stream().map(v -> v.field()).toList();
    }
}
