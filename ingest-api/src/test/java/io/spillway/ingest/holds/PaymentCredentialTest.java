package io.spillway.ingest.holds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PaymentCredentialTest {

    private static final String CURRENT = "payment-token-current-of-at-least-32-bytes";
    private static final String NEXT = "payment-token-next-one-of-at-least-32-bytes";

    @Test
    void admitsEachConfiguredTokenAsBearerAndNothingElse() {
        PaymentCredential credential = new PaymentCredential(List.of(CURRENT, NEXT));

        assertThat(credential.admits("Bearer " + CURRENT)).isTrue();
        assertThat(credential.admits("bearer " + NEXT)).isTrue();
        assertThat(credential.admits(null)).isFalse();
        assertThat(credential.admits("")).isFalse();
        assertThat(credential.admits("Bearer ")).isFalse();
        assertThat(credential.admits(CURRENT)).isFalse();
        assertThat(credential.admits("Basic " + CURRENT)).isFalse();
        assertThat(credential.admits("Bearer " + CURRENT + "x")).isFalse();
        assertThat(credential.admits("Bearer " + CURRENT.substring(1))).isFalse();
    }

    @Test
    void refusesNoTokenAShortOneOrMoreThanTwo() {
        assertThatThrownBy(() -> new PaymentCredential(List.of())).hasMessageContaining("no payment token");
        assertThatThrownBy(() -> new PaymentCredential(List.of("31-bytes-is-one-byte-too-short!")))
                .hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> new PaymentCredential(List.of(CURRENT, NEXT, CURRENT + "2")))
                .hasMessageContaining("at most 2");
    }

    @Test
    void blankEntriesOfTheListAreNotTokens() {
        assertThat(new PaymentProperties(List.of(CURRENT, " ", ""), 1, java.time.Duration.ZERO).tokens())
                .containsExactly(CURRENT);
    }
}
