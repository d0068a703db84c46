package io.spillway.ingest.catalog;

import io.spillway.contract.SeatId;
import java.util.Arrays;

/**
 * The seats of one item as the door keeps them: a sorted array of 64-bit hashes of the seat ids,
 * 8 bytes a seat, searched in O(log seats). A {@code HashSet<SeatId>} cost about 150 bytes a seat,
 * 1.5 GB for the largest sale inventory-service accepts (100 items of 100,000 seats); this is 80 MB.
 *
 * <p>Why hashes are enough: the door only refuses, the processor decides every order it lets
 * through against the seats in PostgreSQL. A seat id that is not the item's but hashes like one of
 * its seats (about 10⁵ / 2⁶⁴ per seat asked) passes the door and is rejected {@code INVALID_ITEM}
 * by the processor; nothing is ever granted by mistake. The hash is keyed with a seed drawn per
 * process, so such a seat id cannot be computed in advance.
 *
 * <p>Limits: the seat ids themselves are not kept, so the set cannot list them.
 */
final class SeatSet {

    /** No seats: an item sold by count. */
    static final SeatSet NONE = new SeatSet(new long[0]);

    /**
     * The seats of an item whose seats were dropped (its sale ended): any seat may be one, so the
     * door refuses no order for its seats and leaves them to the processor.
     */
    static final SeatSet ANY = new SeatSet(null);

    private final long[] hashes;

    private SeatSet(long[] hashes) {
        this.hashes = hashes;
    }

    /** The set of already computed hashes (they are sorted here, in place). */
    static SeatSet of(long[] hashes) {
        Arrays.sort(hashes);
        return new SeatSet(hashes);
    }

    boolean contains(SeatId seat, SeatHash hash) {
        return hashes == null || Arrays.binarySearch(hashes, hash.of(seat)) >= 0;
    }

    /** The seats kept, 0 for {@link #ANY}. */
    int size() {
        return hashes == null ? 0 : hashes.length;
    }

    /** A keyed 64-bit hash of seat ids: FNV-1a over the characters from a seeded basis, then mixed. */
    record SeatHash(long seed) {

        long of(SeatId seat) {
            String id = seat.value();
            long h = 0xcbf29ce484222325L ^ seed;
            for (int i = 0; i < id.length(); i++) {
                h = (h ^ id.charAt(i)) * 0x100000001b3L;
            }
            // MurmurHash3's finaliser: every input bit reaches every output bit.
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            h *= 0xc4ceb9fe1a85ec53L;
            return h ^ (h >>> 33);
        }
    }
}
