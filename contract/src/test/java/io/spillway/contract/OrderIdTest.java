package io.spillway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderIdTest {

    @Test
    void theSameBuyerAndKeyAlwaysNameTheSameOrder() {
        assertThat(OrderId.derive(CustomerId.of("alice"), "k-1")).isEqualTo(OrderId.derive(CustomerId.of("alice"), "k-1"));
    }

    @Test
    void anotherBuyerOrAnotherKeyNamesAnotherOrder() {
        OrderId order = OrderId.derive(CustomerId.of("alice"), "k-1");
        assertThat(OrderId.derive(CustomerId.of("bob"), "k-1")).isNotEqualTo(order);
        assertThat(OrderId.derive(CustomerId.of("alice"), "k-2")).isNotEqualTo(order);
        // The separator keeps ("a", "bc") and ("ab", "c") apart.
        assertThat(OrderId.derive(CustomerId.of("a"), "bc")).isNotEqualTo(OrderId.derive(CustomerId.of("ab"), "c"));
    }

    @Test
    void idsAreVersionEightUuidsThatParseBack() {
        OrderId order = OrderId.derive(CustomerId.of("alice"), "k-1");
        assertThat(order.value().version()).isEqualTo(8);
        assertThat(order.value().variant()).isEqualTo(2);
        assertThat(OrderId.parseOrNull(order.toString())).isEqualTo(order);
        assertThat(OrderId.parseOrNull("not-an-id")).isNull();
        assertThat(OrderId.parseOrNull(null)).isNull();
    }
}
