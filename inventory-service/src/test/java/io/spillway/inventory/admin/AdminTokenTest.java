package io.spillway.inventory.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AdminTokenTest {

    private static final String SECRET = "0123456789abcdef-secret";
    private final AdminToken token = new AdminToken(SECRET);

    @Test
    void admitsTheBearerSecretWhateverTheSchemeCase() {
        assertThat(token.admits("Bearer " + SECRET)).isTrue();
        assertThat(token.admits("bearer " + SECRET)).isTrue();
        assertThat(token.admits("BEARER  " + SECRET + " ")).isTrue();
    }

    @Test
    void refusesAnythingElse() {
        assertThat(token.admits(null)).isFalse();
        assertThat(token.admits("")).isFalse();
        assertThat(token.admits("Bearer ")).isFalse();
        assertThat(token.admits(SECRET)).isFalse();
        assertThat(token.admits("Basic " + SECRET)).isFalse();
        assertThat(token.admits("Bearer " + SECRET + "x")).isFalse();
        assertThat(token.admits("Bearer " + SECRET.substring(1))).isFalse();
        assertThat(token.admits("Bearer " + SECRET.toUpperCase())).isFalse();
    }

    @Test
    void aMissingOrShortSecretIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> new AdminToken(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SPILLWAY_ADMIN_TOKEN");
        assertThatThrownBy(() -> new AdminToken("   "))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not set");
        assertThatThrownBy(() -> new AdminToken("short-secret-15"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least 16")
                .hasMessageNotContaining("short-secret-15");
        assertThat(new AdminToken("exactly-16-chars").admits("Bearer exactly-16-chars")).isTrue();
    }
}
