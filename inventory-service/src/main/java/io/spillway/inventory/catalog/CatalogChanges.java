package io.spillway.inventory.catalog;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.ItemKey;
import io.spillway.contract.SaleId;
import io.spillway.contract.admission.RoomId;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the relay has published since this process started, and so what it still has to: sales it
 * has not published yet, or whose control state (paused, closed) changed since (its seat chunks are
 * then not sent again), or to whose items stock or seats were added since (its seat chunks are sent
 * again: nothing else of a sale changes once created), which of an unpublished sale's seat
 * chunks the broker already holds, and items whose availability differs from what it last
 * published, and rooms ({@code RoomDefined}) whose row changed since. Empty at start-up, so
 * everything is published once then.
 *
 * <p>Only what the broker acknowledged is recorded, so a failed publish is simply found again on the
 * next poll, and a large sale's publication resumes where it stopped instead of starting over. A
 * sale is published only once all its chunks are. Not thread-safe: the relay's one thread owns it.
 */
final class CatalogChanges {

    private final Set<SaleId> publishedSales = new HashSet<>();
    /** Of the published sales, their control state as published: a sale whose state changed is published again. */
    private final Map<SaleId, String> publishedControls = new HashMap<>();
    /** Of the published sales, how many item additions they had when published: more, and it is published again. */
    private final Map<SaleId, Long> publishedAdditions = new HashMap<>();
    private final Map<SaleId, BitSet> publishedChunks = new HashMap<>();
    private final Map<SaleId, Integer> failures = new HashMap<>();
    private final Map<ItemKey, ItemAvailability> publishedItems = new HashMap<>();
    /** Rooms by the {@code version} of their row as published: every change of a room bumps it. */
    private final Map<RoomId, Long> publishedRooms = new HashMap<>();

    List<SaleId> unpublishedSales(Collection<SaleId> existing) {
        return unpublishedSales(existing, Map.of());
    }

    /**
     * Sales not published yet, or published before their control state changed.
     *
     * @param controls each paused or closed sale's {@link #control}; a sale not in it is open
     */
    List<SaleId> unpublishedSales(Collection<SaleId> existing, Map<SaleId, String> controls) {
        return unpublishedSales(existing, controls, Map.of());
    }

    /**
     * Sales not published yet, or published before their control state changed or before stock or
     * seats were added to them.
     *
     * @param additions each sale's count of item additions; a sale not in it had none
     */
    List<SaleId> unpublishedSales(Collection<SaleId> existing, Map<SaleId, String> controls, Map<SaleId, Long> additions) {
        return existing.stream().filter(saleId -> !publishedSales.contains(saleId)
                || !java.util.Objects.equals(publishedControls.get(saleId), controls.get(saleId))
                || grew(saleId, additions.getOrDefault(saleId, 0L))).toList();
    }

    /**
     * Whether the sale's items grew since it was published: its seat chunks must go out again (a
     * seated item's last chunk and those after it changed; all are sent, as at creation).
     */
    boolean grew(SaleId saleId, long additions) {
        return publishedSales.contains(saleId) && publishedAdditions.getOrDefault(saleId, 0L) != additions;
    }

    void salePublished(SaleId saleId, String control, long additions) {
        salePublished(saleId, control);
        publishedAdditions.put(saleId, additions);
    }

    void salePublished(SaleId saleId, String control) {
        salePublished(saleId);
        if (control == null) {
            publishedControls.remove(saleId);
        } else {
            publishedControls.put(saleId, control);
        }
    }

    /** A sale's control state as one value: null while open and not paused. */
    static String control(boolean paused, boolean closed) {
        if (closed) {
            return paused ? "paused,closed" : "closed";
        }
        return paused ? "paused" : null;
    }

    List<ItemAvailability> changedItems(Collection<ItemAvailability> current) {
        return current.stream().filter(item -> !item.equals(publishedItems.get(item.itemKey()))).toList();
    }

    /** Whether chunk {@code index} (counted over the sale's seated items in sku order) is on the topic. */
    boolean isChunkPublished(SaleId saleId, int index) {
        BitSet chunks = publishedChunks.get(saleId);
        return chunks != null && chunks.get(index);
    }

    void chunkPublished(SaleId saleId, int index) {
        publishedChunks.computeIfAbsent(saleId, id -> new BitSet()).set(index);
    }

    void salePublished(SaleId saleId) {
        publishedSales.add(saleId);
        publishedChunks.remove(saleId);
        failures.remove(saleId);
    }

    /** Counts one more failed attempt in a row for the sale and answers how many there were. */
    int saleFailed(SaleId saleId) {
        return failures.merge(saleId, 1, Integer::sum);
    }

    void itemPublished(ItemAvailability item) {
        publishedItems.put(item.itemKey(), item);
    }

    /** Rooms not published yet, or changed since: their row's version is not the one published. */
    List<RoomId> unpublishedRooms(Map<RoomId, Long> versions) {
        return versions.entrySet().stream()
                .filter(room -> !room.getValue().equals(publishedRooms.get(room.getKey())))
                .map(Map.Entry::getKey)
                .toList();
    }

    void roomPublished(RoomId roomId, long version) {
        publishedRooms.put(roomId, version);
    }

    boolean isPublished(RoomId roomId) {
        return publishedRooms.containsKey(roomId);
    }

    boolean isPublished(SaleId saleId) {
        return publishedSales.contains(saleId);
    }
}
