package io.spillway.processor.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.CustomerId;
import io.spillway.contract.Draw;
import io.spillway.contract.OpeningOrder;
import io.spillway.contract.OrderId;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.RoomId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomDrawTest {

    private static final RoomId ROOM = RoomId.of("room-draw");
    private static final byte[] SEED = Draw.newSeed();

    @Test
    void shuffledPutsThePrequeueInAscendingDrawKeyThenTheLaterEntriesInLineOrder() {
        List<RoomDraw.Unplaced> line = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            line.add(new RoomDraw.Unplaced(entry("early-" + i), true));
        }
        for (int i = 0; i < 10; i++) {
            line.add(new RoomDraw.Unplaced(entry("late-" + i), false));
        }
        List<EntryId> placed = RoomDraw.order(line, OpeningOrder.SHUFFLED, SEED);

        List<EntryId> expectedPrequeue = line.subList(0, 50).stream()
                .map(RoomDraw.Unplaced::entryId)
                .sorted(Comparator.comparing(id -> Draw.key(SEED, new OrderId(id.value()))))
                .toList();
        assertThat(placed.subList(0, 50)).isEqualTo(expectedPrequeue);
        assertThat(placed.subList(50, 60))
                .isEqualTo(line.subList(50, 60).stream().map(RoomDraw.Unplaced::entryId).toList());
    }

    @Test
    void fifoKeepsTheLineOrderWithThePrequeueFirst() {
        List<RoomDraw.Unplaced> line = List.of(
                new RoomDraw.Unplaced(entry("a"), true),
                new RoomDraw.Unplaced(entry("b"), false),
                new RoomDraw.Unplaced(entry("c"), true));
        assertThat(RoomDraw.order(line, OpeningOrder.FIFO, SEED)).containsExactly(entry("a"), entry("c"), entry("b"));
    }

    private static EntryId entry(String customer) {
        return EntryId.of(ROOM, CustomerId.of(customer));
    }
}
