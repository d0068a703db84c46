package io.spillway.contract.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorsPropertiesTest {

    @Test
    void noOriginsMeansNoCors() {
        assertThat(new CorsProperties(null).enabled()).isFalse();
        assertThat(new CorsProperties(List.of()).enabled()).isFalse();
        // An empty environment variable binds to one empty origin: still none.
        assertThat(new CorsProperties(List.of(" ")).allowedOrigins()).isEmpty();
    }

    @Test
    void exactOriginsAreKeptStripped() {
        CorsProperties cors = new CorsProperties(Arrays.asList(" http://127.0.0.1:8081", "https://shop.example", ""));
        assertThat(cors.enabled()).isTrue();
        assertThat(cors.allowedOrigins()).containsExactly("http://127.0.0.1:8081", "https://shop.example");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "127.0.0.1:8081", "ftp://shop.example", "http://shop.example/", "http://shop.example/page",
            "http://shop.example?x=1", "http://", "http://shop example"})
    void anythingButAnOriginIsRefusedAtStartUp(String origin) {
        assertThatThrownBy(() -> new CorsProperties(List.of(origin)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spillway.cors.allowed-origins")
                .hasMessageContaining(origin);
    }
}
