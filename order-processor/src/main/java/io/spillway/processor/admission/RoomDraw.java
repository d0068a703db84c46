package io.spillway.processor.admission;

import io.spillway.contract.Draw;
import io.spillway.contract.OpeningOrder;
import io.spillway.contract.OrderId;
import io.spillway.contract.admission.EntryId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A room's opening draw, the same rule as a sale's (docs/opening.md, {@link Draw}): the pre-queue in
 * ascending draw key ({@code SHUFFLED}) or in line order ({@code FIFO}), then the entries that came
 * after the opening in line order. An entry's draw key is {@link Draw#key} of its id as text, the
 * message Draw defines for an order id; so anyone with the revealed seed and the entry ids recomputes
 * every place.
 *
 * <p>Limits: the whole line to be drawn is in memory (about 100 bytes an entry).
 */
final class RoomDraw {

    /** An entry still without a place, in line order. */
    record Unplaced(EntryId entryId, boolean prequeue) {}

    private RoomDraw() {}

    /** The entries in the order they get their lines. */
    static List<EntryId> order(List<Unplaced> inLineOrder, OpeningOrder openingOrder, byte[] seed) {
        List<EntryId> prequeue = new ArrayList<>();
        List<EntryId> later = new ArrayList<>();
        for (Unplaced entry : inLineOrder) {
            (entry.prequeue() ? prequeue : later).add(entry.entryId());
        }
        List<EntryId> placed = new ArrayList<>(inLineOrder.size());
        if (openingOrder == OpeningOrder.SHUFFLED) {
            record Keyed(EntryId entryId, byte[] key) {}
            // A stable sort: equal keys (never seen with HMAC-SHA256) keep their line order.
            prequeue.stream()
                    .map(id -> new Keyed(id, key(seed, id)))
                    .sorted(Comparator.comparing(Keyed::key, Arrays::compareUnsigned))
                    .forEach(keyed -> placed.add(keyed.entryId()));
        } else {
            placed.addAll(prequeue);
        }
        placed.addAll(later);
        return placed;
    }

    /** The entry's draw key bytes: {@code HMAC-SHA256(seed, entryId as text)}. */
    static byte[] key(byte[] seed, EntryId entryId) {
        return Draw.keyBytes(seed, new OrderId(entryId.value()));
    }
}
