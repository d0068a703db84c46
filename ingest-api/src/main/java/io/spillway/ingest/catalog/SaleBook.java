package io.spillway.ingest.catalog;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.ItemKey;
import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatChunk;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.rules.OrderCase;
import io.spillway.contract.rules.SaleRule.Breach;
import io.spillway.contract.rules.SaleRules;
import io.spillway.ingest.catalog.DoorVerdict.Reason;
import io.spillway.ingest.catalog.DoorVerdict.Refuse;
import io.spillway.ingest.catalog.SeatSet.SeatHash;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The door's view of sales and item availability, and the rules it applies with them. Fed from the
 * catalogue topics (one writer thread), read by every request thread.
 *
 * <p>A sale comes as its {@link SaleDefined} on one topic and its seated items' {@link SeatChunk}s
 * on another, in either order. It is assembled aside and becomes known only once the definition and
 * every chunk of every seated item are in, and then replaces the sale as a whole: an order is never
 * judged against half a seat list, and a reader never sees half a sale. Seats are kept as hashes
 * ({@link SeatSet}), 8 bytes a seat. Sales never change once created but for pause, close and
 * added stock or seats ({@link #grown}), so a definition or a chunk
 * published again (the relay republishes everything when it restarts) is ignored once the sale is
 * known; a different definition is assembled aside while the old one keeps answering.
 *
 * <p>It knows only what inventory-service has published: a sale created a moment ago may not be
 * here yet, and availability lags the processor by the relay's poll interval. That is safe in one
 * direction only, which is why the processor still decides: the door refuses what certainly cannot
 * succeed (unknown, not open, already sold out), never grants anything. The rules are the sale's own
 * ({@link SaleRules}), the same the processor's ledger applies.
 *
 * <p>A sale whose items are all sold out has ended: the door answers 409 sold out to every order of
 * it from then on. It keeps the sale's terms and items (so an unknown item, seats on a stock item,
 * a quantity above the limit and an order before the opening are answered as before) but drops the
 * seats, which are nearly all of its memory (80 MB for the largest sale, docs/ingest.md); an order
 * naming a seat the item never had is then 409 sold out instead of 422. Should an item come back
 * (more stock added), the sale stays without seats and the door lets any seat through to the
 * processor, which decides it; the door never refuses wrongly. So does a seated item of a sale it
 * knows when seats are added to it ({@link #grown}).
 *
 * <p>Limits: a sale whose chunks never all arrive stays unknown (422 {@code unknown-sale}) and its
 * chunks stay in {@link #assembling()}; the relay publishes a sale's chunks before the sale, so
 * that happens only to a sale deleted half-published.
 */
public final class SaleBook {

    /** What a paused sale's {@code Retry-After} says: long enough not to invite a storm, short beside a pause. */
    public static final Duration PAUSED_RETRY_AFTER = Duration.ofSeconds(5);

    private final Map<SaleId, KnownSale> sales = new ConcurrentHashMap<>();
    private final Map<ItemKey, ItemAvailability> availability = new ConcurrentHashMap<>();
    /** Sales being assembled: changed by the writer thread only, counted by health checks. */
    private final Map<SaleId, Assembly> assembling = new ConcurrentHashMap<>();
    private final SeatHash hash = new SeatHash(new SecureRandom().nextLong());

    public void define(SaleDefined sale) {
        KnownSale known = sales.get(sale.saleId());
        if (known != null && known.definition().equals(sale) && !assembling.containsKey(sale.saleId())) {
            return;
        }
        if (known != null && known.definition().withPaused(sale.doorPaused()).withClosedAt(sale.closedAt()).equals(sale)
                && !assembling.containsKey(sale.saleId())) {
            // Paused, resumed or closed, nothing else: its seats are not sent again, so the sale is not reassembled.
            sales.put(sale.saleId(), new KnownSale(sale, known.terms(), known.items(), known.ended()));
            return;
        }
        if (known != null && !assembling.containsKey(sale.saleId()) && onlyItemsGrew(known.definition(), sale)) {
            sales.put(sale.saleId(), grown(known, sale));
            return;
        }
        Assembly assembly = assembling.computeIfAbsent(sale.saleId(), id -> new Assembly());
        assembly.definition = sale;
        assembleIfComplete(sale.saleId(), assembly);
    }

    public void seats(SeatChunk chunk) {
        Assembly assembly = assembling.get(chunk.saleId());
        if (assembly == null) {
            if (sales.containsKey(chunk.saleId())) {
                return;
            }
            assembly = new Assembly();
            assembling.put(chunk.saleId(), assembly);
        }
        long[] hashes = new long[chunk.seatIds().size()];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = hash.of(chunk.seatIds().get(i));
        }
        assembly.chunks.computeIfAbsent(chunk.sku(), sku -> new HashMap<>()).put(chunk.chunk(), hashes);
        assembleIfComplete(chunk.saleId(), assembly);
    }

    public void forget(SaleId saleId) {
        sales.remove(saleId);
        assembling.remove(saleId);
    }

    public void update(ItemAvailability item) {
        availability.put(item.itemKey(), item);
        if (!item.soldOut()) {
            return;
        }
        KnownSale known = sales.get(item.saleId());
        if (known != null && !known.ended() && hasEnded(known.definition())) {
            sales.put(item.saleId(), ended(known.definition()));
        }
        Assembly assembly = assembling.get(item.saleId());
        if (assembly != null) {
            assembleIfComplete(item.saleId(), assembly);
        }
    }

    public void forget(ItemKey item) {
        availability.remove(item);
    }

    /** Sales the door can judge orders for. */
    public int size() {
        return sales.size();
    }

    /** Sales with a definition or chunks in but not all of them yet. */
    public int assembling() {
        return assembling.size();
    }

    /** Seats the book holds (hashes), across all sales it knows: what its memory goes to. */
    public long seatsKept() {
        return sales.values().stream().flatMap(sale -> sale.items().values().stream())
                .mapToLong(item -> item.seats().size()).sum();
    }

    private void assembleIfComplete(SaleId saleId, Assembly assembly) {
        SaleDefined sale = assembly.definition;
        if (sale == null) {
            return;
        }
        if (hasEnded(sale)) {
            // Its seats will never be asked about: the chunks still to come are not waited for.
            assembling.remove(saleId);
            sales.put(saleId, ended(sale));
            return;
        }
        for (ItemDefinition item : sale.items()) {
            if (item.kind() == ItemKind.SEATED && !assembly.hasAllChunks(item)) {
                return;
            }
        }
        Map<Sku, KnownItem> items = new HashMap<>();
        for (ItemDefinition item : sale.items()) {
            items.put(item.sku(), new KnownItem(item.kind(),
                    item.kind() == ItemKind.SEATED ? assembly.seats(item) : SeatSet.NONE));
        }
        assembling.remove(saleId);
        sales.put(saleId, new KnownSale(sale, terms(sale), Map.copyOf(items), false));
    }

    /**
     * Whether {@code now} is {@code was} with more stock or seats in some items (and perhaps paused,
     * resumed or closed): the same terms and the same items, in the same order, of the same kinds.
     */
    private static boolean onlyItemsGrew(SaleDefined was, SaleDefined now) {
        if (was.items().size() != now.items().size()) {
            return false;
        }
        for (int i = 0; i < was.items().size(); i++) {
            ItemDefinition before = was.items().get(i);
            ItemDefinition after = now.items().get(i);
            if (!before.sku().equals(after.sku()) || before.kind() != after.kind() || after.total() < before.total()) {
                return false;
            }
        }
        return new SaleDefined(was.schemaVersion(), was.saleId(), was.name(), was.opensAt(), was.perCustomerLimit(),
                now.items(), was.prequeueOpensAt(), now.paused(), now.closedAt()).equals(now);
    }

    /**
     * A known sale after stock or seats were added to it (issue 19). Its seat chunks are published
     * again, but this book ignores chunks of a sale it knows (it cannot tell them from a restarted
     * relay's), so a seated item that grew lets any seat through to the processor, which decides it,
     * as an ended sale's items do: the door never refuses a seat wrongly. A door started afterwards
     * assembles the new seats from the chunks and refuses unknown seats again.
     */
    private static KnownSale grown(KnownSale known, SaleDefined sale) {
        Map<Sku, KnownItem> items = new HashMap<>(known.items());
        for (int i = 0; i < sale.items().size(); i++) {
            ItemDefinition item = sale.items().get(i);
            if (item.kind() == ItemKind.SEATED && item.total() != known.definition().items().get(i).total()) {
                items.put(item.sku(), new KnownItem(ItemKind.SEATED, SeatSet.ANY));
            }
        }
        return new KnownSale(sale, known.terms(), Map.copyOf(items), known.ended());
    }

    /** Every item sold out: the door answers 409 to every order that passes the rules, for good. */
    private boolean hasEnded(SaleDefined sale) {
        for (ItemDefinition item : sale.items()) {
            ItemAvailability left = availability.get(new ItemKey(sale.saleId(), item.sku()));
            if (left == null || !left.soldOut()) {
                return false;
            }
        }
        return true;
    }

    /**
     * An ended sale as the door keeps it: its terms and items, without their seats. The seat rule
     * then holds for any seat (see {@link SeatSet#ANY}), so an order for a seat the item never had is
     * answered 409 sold out, like every other order of the sale, instead of 422.
     */
    private static KnownSale ended(SaleDefined sale) {
        Map<Sku, KnownItem> items = new HashMap<>();
        for (ItemDefinition item : sale.items()) {
            items.put(item.sku(), new KnownItem(item.kind(), SeatSet.ANY));
        }
        return new KnownSale(sale, terms(sale), Map.copyOf(items), true);
    }

    /**
     * The terms the rules see. Orders are taken from the pre-queue's opening when the sale has one
     * (they join the pre-queue until {@code opensAt}), else from {@code opensAt}.
     */
    private static OrderCase.Sale terms(SaleDefined sale) {
        return new OrderCase.Sale(sale.doorOpensAt(), sale.perCustomerLimit());
    }

    /**
     * The door's answer for one order: the first of the sale's rules it breaks ({@link SaleRules#AT_THE_DOOR},
     * knowing nothing of the buyer's earlier orders), else sold out when the published availability
     * says so, else pass.
     */
    public DoorVerdict check(SaleId saleId, Sku sku, int quantity, List<SeatId> seatIds, Instant now) {
        KnownSale sale = sales.get(saleId);
        KnownItem item = sale == null ? null : sale.items().get(sku);
        OrderCase order = new OrderCase(
                saleId,
                sku,
                sale == null ? null : sale.terms(),
                item == null ? null : new OrderCase.Item(item.kind(), seat -> item.seats().contains(seat, hash)),
                quantity,
                seatIds,
                now,
                0);
        Optional<Breach> breach = SaleRules.firstBreach(SaleRules.AT_THE_DOOR, order);
        if (breach.isPresent()) {
            return refusal(breach.get(), sale, now);
        }
        if (sale.definition().doorClosed()) {
            return new Refuse(Reason.CLOSED, "saleId", "is closed", null);
        }
        if (sale.definition().doorPaused()) {
            return new Refuse(Reason.PAUSED, "saleId", "is paused", PAUSED_RETRY_AFTER);
        }
        ItemAvailability left = availability.get(new ItemKey(saleId, sku));
        if (left != null && left.soldOut()) {
            return new Refuse(Reason.SOLD_OUT, "sku", "is sold out", null);
        }
        return DoorVerdict.PASS;
    }

    private static Refuse refusal(Breach breach, KnownSale sale, Instant now) {
        Reason reason = Reason.breaking(breach.rule());
        Duration retryAfter = reason == Reason.NOT_OPEN ? Duration.between(now, sale.terms().opensAt()) : null;
        return new Refuse(reason, breach.field(), breach.message(), retryAfter);
    }

    private record KnownSale(SaleDefined definition, OrderCase.Sale terms, Map<Sku, KnownItem> items, boolean ended) {}

    private record KnownItem(ItemKind kind, SeatSet seats) {}

    /** What has arrived of a sale: its definition, if yet, and its chunks' seat hashes by item and number. */
    private static final class Assembly {

        SaleDefined definition;
        final Map<Sku, Map<Integer, long[]>> chunks = new HashMap<>();

        boolean hasAllChunks(ItemDefinition item) {
            Map<Integer, long[]> received = chunks.getOrDefault(item.sku(), Map.of());
            long seats = 0;
            for (int chunk = 0; chunk < item.seatChunks(); chunk++) {
                long[] hashes = received.get(chunk);
                if (hashes == null) {
                    return false;
                }
                seats += hashes.length;
            }
            return seats == item.total();
        }

        SeatSet seats(ItemDefinition item) {
            long[] all = new long[item.total()];
            Map<Integer, long[]> received = chunks.get(item.sku());
            for (int chunk = 0, at = 0; chunk < item.seatChunks(); chunk++) {
                long[] hashes = received.get(chunk);
                System.arraycopy(hashes, 0, all, at, hashes.length);
                at += hashes.length;
            }
            return SeatSet.of(all);
        }
    }
}
