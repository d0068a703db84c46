package io.spillway.ingest.catalog;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatChunk;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Measures the door's heap for the largest sale inventory-service accepts (100 items of 100,000
 * seats with 64-character ids): what the seat sets of a loaded sale cost, what is left once every
 * item is sold out and the book drops them, and, for comparison, what the former
 * {@code HashSet<SeatId>} per item cost. Figures in docs/ingest.md. Not a test: run it by hand,
 *
 * <pre>
 * mvn -q -o -pl ingest-api -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -Xmx4g -cp "$(cat /tmp/cp.txt):ingest-api/target/classes:ingest-api/target/test-classes" \
 *     io.spillway.ingest.catalog.SaleBookHeap
 * </pre>
 */
public final class SaleBookHeap {

    private static final int ITEMS = 100;
    private static final int SEATS = 100_000;
    private static final SaleId ARENA = SaleId.of("arena");

    public static void main(String[] args) {
        long empty = usedAfterGc();
        SaleBook book = new SaleBook();
        List<ItemDefinition> items = IntStream.range(0, ITEMS).mapToObj(i -> ItemDefinition.seated(sku(i), SEATS)).toList();
        book.define(SaleDefined.of(ARENA, "Arena", Instant.EPOCH, 4, items));
        for (int i = 0; i < ITEMS; i++) {
            for (int chunk = 0; chunk < SeatChunk.chunksFor(SEATS); chunk++) {
                int from = chunk * SeatChunk.MAX_SEATS;
                book.seats(SeatChunk.of(ARENA, sku(i), chunk, IntStream.range(from, from + SeatChunk.MAX_SEATS)
                        .mapToObj(SaleBookHeap::seat).toList()));
            }
        }
        long loaded = usedAfterGc();
        print("loaded (SeatSet, 8-byte hashes)", loaded - empty, book);

        for (int i = 0; i < ITEMS; i++) {
            book.update(ItemAvailability.of(ARENA, sku(i), 0, true));
        }
        long ended = usedAfterGc();
        print("every item sold out (seats dropped)", ended - empty, book);

        // The representation before: one HashSet<SeatId> per item.
        List<Set<SeatId>> former = new java.util.ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            former.add(Set.copyOf(IntStream.range(0, SEATS).mapToObj(SaleBookHeap::seat).toList()));
        }
        long hashSets = usedAfterGc();
        System.out.printf("former Set.copyOf(seatIds) per item: %,d bytes (%d sets)%n", hashSets - ended, former.size());
    }

    private static void print(String what, long bytes, SaleBook book) {
        System.out.printf("%s: %,d bytes (%d sales, %,d seats kept)%n", what, bytes, book.size(), book.seatsKept());
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static Sku sku(int item) {
        return Sku.of("I%063d".formatted(item));
    }

    private static SeatId seat(int seat) {
        return SeatId.of("S%063d".formatted(seat));
    }
}
