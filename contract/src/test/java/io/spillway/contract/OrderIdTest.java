package io.spillway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderIdTest {

    private static final SaleId SALE = SaleId.of("sale-1");

    @Test
    void theSameBuyerSaleAndKeyAlwaysNameTheSameOrder() {
        assertThat(OrderId.derive(CustomerId.of("alice"), SALE, "k-1"))
                .isEqualTo(OrderId.derive(CustomerId.of("alice"), SALE, "k-1"));
    }

    @Test
    void anotherBuyerAnotherSaleOrAnotherKeyNamesAnotherOrder() {
        OrderId order = OrderId.derive(CustomerId.of("alice"), SALE, "k-1");
        assertThat(OrderId.derive(CustomerId.of("bob"), SALE, "k-1")).isNotEqualTo(order);
        assertThat(OrderId.derive(CustomerId.of("alice"), SaleId.of("sale-2"), "k-1")).isNotEqualTo(order);
        assertThat(OrderId.derive(CustomerId.of("alice"), SALE, "k-2")).isNotEqualTo(order);
    }

    @Test
    void theSeparatorsKeepFieldsFromRunningTogether() {
        // Neither a customer id nor a sale id can contain the newline that separates them.
        assertThat(OrderId.derive(CustomerId.of("a"), SaleId.of("b"), "c"))
                .isNotEqualTo(OrderId.derive(CustomerId.of("ab"), SaleId.of("c"), ""))
                .isNotEqualTo(OrderId.derive(CustomerId.of("a"), SaleId.of("bc"), ""))
                .isNotEqualTo(OrderId.derive(CustomerId.of("a"), SaleId.of("b"), "\nc"));
        assertThat(OrderId.derive(CustomerId.of("a"), SaleId.of("b"), "c\nd"))
                .isNotEqualTo(OrderId.derive(CustomerId.of("a"), SaleId.of("b-c"), "d"));
    }

    @Test
    void idsAreVersionEightUuidsThatParseBack() {
        OrderId order = OrderId.derive(CustomerId.of("alice"), SALE, "k-1");
        assertThat(order.value().version()).isEqualTo(8);
        assertThat(order.value().variant()).isEqualTo(2);
        assertThat(OrderId.parseOrNull(order.toString())).isEqualTo(order);
        assertThat(OrderId.parseOrNull("not-an-id")).isNull();
        assertThat(OrderId.parseOrNull(null)).isNull();
    }
}
