package io.spillway.contract.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.RejectionReason;
import io.spillway.contract.SeatId;
import io.spillway.contract.rules.SaleRule.Breach;
import io.spillway.contract.rules.SaleRuleCases.Case;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SaleRulesTest {

    static List<Case> cases() {
        return SaleRuleCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theDoorAppliesItsRulesInItsOrder(Case c) {
        assertThat(SaleRules.firstBreach(SaleRules.AT_THE_DOOR, c.asSeenBy(true)).map(Breach::rule))
                .isEqualTo(Optional.ofNullable(c.atTheDoor()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theLedgerAppliesItsRulesInItsOrder(Case c) {
        assertThat(SaleRules.firstBreach(SaleRules.IN_THE_LEDGER, c.asSeenBy(false)).map(Breach::rule))
                .isEqualTo(Optional.ofNullable(c.inTheLedger()));
    }

    @Test
    void theDoorAndTheLedgerApplyTheSameRules() {
        assertThat(SaleRules.AT_THE_DOOR).containsExactlyInAnyOrder(SaleRule.values());
        assertThat(SaleRules.IN_THE_LEDGER).containsExactlyInAnyOrder(SaleRule.values());
    }

    @Test
    void everyRuleIsBrokenByAtLeastOneCaseOnEachSide() {
        assertThat(cases()).extracting(Case::atTheDoor).contains(SaleRule.values());
        assertThat(cases()).extracting(Case::inTheLedger).contains(SaleRule.values());
    }

    @Test
    void aBreachNamesTheFieldAtFaultAndSaysWhy() {
        Case seat = cases().stream().filter(c -> c.atTheDoor() == SaleRule.SEATS_OF_THE_ITEM).findFirst().orElseThrow();
        assertThat(SaleRules.firstBreach(SaleRules.AT_THE_DOOR, seat.asSeenBy(true)))
                .contains(new Breach(SaleRule.SEATS_OF_THE_ITEM, "seatIds[1]", "is not a seat of item VIP"));
        assertThat(seat.seatIds().get(1)).isEqualTo(SeatId.of("B-1"));
    }

    @Test
    void eachRuleLeadsToTheRejectionTheContractNames() {
        assertThat(SaleRule.SALE_EXISTS.rejection()).isEqualTo(RejectionReason.INVALID_ITEM);
        assertThat(SaleRule.ITEM_EXISTS.rejection()).isEqualTo(RejectionReason.INVALID_ITEM);
        assertThat(SaleRule.SEATS_ONLY_ON_SEATED_ITEMS.rejection()).isEqualTo(RejectionReason.INVALID_ITEM);
        assertThat(SaleRule.SEATS_OF_THE_ITEM.rejection()).isEqualTo(RejectionReason.INVALID_ITEM);
        assertThat(SaleRule.WITHIN_CUSTOMER_LIMIT.rejection()).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
        assertThat(SaleRule.PLACED_WHEN_OPEN.rejection()).isEqualTo(RejectionReason.SALE_CLOSED);
    }
}
