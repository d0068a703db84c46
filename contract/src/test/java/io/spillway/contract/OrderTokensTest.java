package io.spillway.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OrderTokensTest {

    private final OrderTokens tokens = new OrderTokens("a-secret-of-at-least-thirty-two-bytes!!");
    private final OrderId order = OrderId.derive(CustomerId.of("alice"), "k-1");

    @Test
    void aTokenOpensItsOwnOrderOnly() {
        String token = tokens.tokenFor(order);
        assertThat(tokens.verify(order, token)).isTrue();
        assertThat(tokens.verify(OrderId.derive(CustomerId.of("alice"), "k-2"), token)).isFalse();
    }

    @Test
    void anotherSecretMakesAnotherToken() {
        OrderTokens other = new OrderTokens("another-secret-of-at-least-thirty-two-bytes");
        assertThat(other.verify(order, tokens.tokenFor(order))).isFalse();
    }

    @Test
    void malformedTokensAreRefusedNotThrown() {
        assertThat(tokens.verify(order, null)).isFalse();
        assertThat(tokens.verify(order, "")).isFalse();
        assertThat(tokens.verify(order, "%%%")).isFalse();
        assertThat(tokens.verify(order, "x".repeat(200))).isFalse();
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> new OrderTokens("short")).isInstanceOf(IllegalArgumentException.class);
    }
}
