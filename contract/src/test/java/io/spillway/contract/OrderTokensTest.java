package io.spillway.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class OrderTokensTest {

    private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!!";

    private final OrderTokens tokens = new OrderTokens(SECRET);
    private final OrderId order = OrderId.derive(CustomerId.of("alice"), SaleId.of("sale-1"), "k-1");

    @Test
    void aTokenOpensItsOwnOrderOnly() {
        String token = tokens.tokenFor(order);
        assertThat(tokens.verify(order, token)).isTrue();
        assertThat(tokens.verify(OrderId.derive(CustomerId.of("alice"), SaleId.of("sale-1"), "k-2"), token)).isFalse();
    }

    @Test
    void aTokenIsTheUnpaddedBase64UrlOfTheHmacOfTheOrderId() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(order.toString().getBytes(StandardCharsets.UTF_8)));
        assertThat(tokens.tokenFor(order)).isEqualTo(expected);
    }

    @Test
    void oneInstanceServesManyThreadsAtOnce() throws Exception {
        // Every token is made on a clone of one shared, initialized Mac: threads must not see each other's state.
        List<OrderId> orders = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            orders.add(OrderId.derive(CustomerId.of("c" + i), SaleId.of("sale-1"), "k"));
        }
        OrderTokens reference = new OrderTokens(SECRET);
        List<String> expected = orders.stream().map(reference::tokenFor).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> orders.stream().map(tokens::tokenFor).toList()));
            }
            for (Future<List<String>> result : results) {
                assertThat(result.get()).isEqualTo(expected);
            }
        }
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
