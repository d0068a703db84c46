package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
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
    void onlyACollectionOfTheOldGenerationGivesAVerdict() {
        Set<String> g1 = Set.of("G1 Eden Space", "G1 Survivor Space", "G1 Old Gen");
        Map<String, MemoryUsage> before = pools(100, 10, 200);

        // Young only: the old generation grew by what was promoted, its garbage still in it.
        assertThat(HeapGate.collectedOld("end of minor GC", before, pools(0, 12, 205), g1)).isFalse();
        // Mixed: old regions were collected too.
        assertThat(HeapGate.collectedOld("end of minor GC", before, pools(0, 12, 150), g1)).isTrue();
        assertThat(HeapGate.collectedOld("end of major GC", before, pools(0, 0, 190), g1)).isTrue();
        // No old generation (ZGC): every collection is one of the whole heap.
        assertThat(HeapGate.collectedOld("end of GC cycle", Map.of(), Map.of(), Set.of("ZHeap"))).isTrue();
    }

    @Test
    void aYoungCollectionCanSayTheHeapIsFineNeverThatItIsFull() {
        gate.afterYoungCollection(250 * MB, 256 * MB);
        assertThat(gate.full()).isFalse();

        gate.afterCollection(250 * MB, 256 * MB);
        gate.afterYoungCollection(240 * MB, 256 * MB);
        assertThat(gate.full()).isTrue();

        gate.afterYoungCollection(150 * MB, 256 * MB);
        assertThat(gate.full()).isFalse();
    }

    private static Map<String, MemoryUsage> pools(long eden, long survivor, long old) {
        return Map.of(
                "G1 Eden Space", new MemoryUsage(0, eden * MB, eden * MB, -1),
                "G1 Survivor Space", new MemoryUsage(0, survivor * MB, survivor * MB, -1),
                "G1 Old Gen", new MemoryUsage(0, old * MB, old * MB, 256 * MB));
    }

    @Test
    void listensToThisJvmsCollections() {
        try (HeapGate listening = HeapGate.listening(0.999, Duration.ofSeconds(1))) {
            assertThat(listening.full()).isFalse();
        }
    }
}
