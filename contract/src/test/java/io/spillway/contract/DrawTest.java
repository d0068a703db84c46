package io.spillway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DrawTest {

    @Test
    void theCommitmentIsSha256AndTheKeyIsHmacSha256OfTheOrderIdAsText() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0x0b);
        OrderId order = OrderId.of("0b6c8a52-3c1e-8f4e-9a0b-1234567890ab");

        // Computed independently: Python's hashlib.sha256(seed) and hmac.new(seed, orderId, sha256).
        assertThat(Draw.commitment(seed)).isEqualTo("f0e38b830ebd8a506615ecd154330ec07ff6bf5030447b44e297db1d4b7514ac");
        assertThat(Draw.key(seed, order)).isEqualTo("c1229d69f723db84c2682619ed0f11671052c9734824354446e6b544f2fc8fcc");
        assertThat(Draw.key(seed, order)).isEqualTo(Draw.key(seed.clone(), OrderId.of(order.toString())));
        assertThat(Draw.key(seed, order)).isNotEqualTo(Draw.key(Draw.newSeed(), order));
        assertThat(Draw.fromHex(Draw.key(seed, order))).isEqualTo(Draw.keyBytes(seed, order));
        assertThat(Draw.newSeed()).hasSize(32).isNotEqualTo(Draw.newSeed());
    }
}
