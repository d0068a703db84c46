package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeapGateTest {

    private static final long MB = 1 << 20;

    private final AtomicLong now = new AtomicLong();
    private final HeapGate gate = new HeapGate(0.8, Duration.ofSeconds(1), now::get);

    @Test
    void shedsWhileTheLastCollectionLeftTheHeapAboveItsShare() {
        assertThat(gate.full()).isFalse();

        gate.afterCollection(200 * MB, 256 * MB);
        assertThat(gate.full()).isFalse();

        gate.afterCollection(210 * MB, 256 * MB);
        assertThat(gate.full()).isTrue();

        gate.afterCollection(120 * MB, 256 * MB);
        assertThat(gate.full()).isFalse();
    }

    @Test
    void aFullVerdictIsTrustedOnlyUntilItIsStale() {
        gate.afterCollection(250 * MB, 256 * MB);
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(gate.full()).isTrue();

        // No collection since: an idle door after a spike takes orders again.
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(gate.full()).isFalse();
    }

    @Test
    void listensToThisJvmsCollections() {
        try (HeapGate listening = HeapGate.listening(0.999, Duration.ofSeconds(1))) {
            assertThat(listening.full()).isFalse();
        }
    }
}
