package io.spillway.ingest.catalog;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.ItemKey;
import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.rules.OrderCase;
import io.spillway.contract.rules.SaleRule.Breach;
import io.spillway.contract.rules.SaleRules;
import io.spillway.ingest.catalog.DoorVerdict.Reason;
import io.spillway.ingest.catalog.DoorVerdict.Refuse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The door's view of sales and item availability, and the rules it applies with them. Fed from the
 * catalogue topics (one writer thread), read by every request thread; each sale is replaced as a
 * whole, so a reader never sees half a sale. Seat ids are kept in hash sets so that a seated item of
 * 100,000 seats is checked in constant time per seat.
 *
 * <p>It knows only what inventory-service has published: a sale created a moment ago may not be
 * here yet, and availability lags the processor by the relay's poll interval. That is safe in one
 * direction only, which is why the processor still decides: the door refuses what certainly cannot
 * succeed (unknown, not open, already sold out), never grants anything. The rules are the sale's own
 * ({@link SaleRules}), the same the processor's ledger applies.
 */
public final class SaleBook {

    private final Map<SaleId, KnownSale> sales = new ConcurrentHashMap<>();
    private final Map<ItemKey, ItemAvailability> availability = new ConcurrentHashMap<>();

    public void define(SaleDefined sale) {
        Map<Sku, KnownItem> items = new HashMap<>();
        for (ItemDefinition item : sale.items()) {
            items.put(item.sku(), new KnownItem(item.kind(), Set.copyOf(item.seatIds())));
        }
        sales.put(sale.saleId(), new KnownSale(new OrderCase.Sale(sale.opensAt(), sale.perCustomerLimit()), Map.copyOf(items)));
    }

    public void forget(SaleId saleId) {
        sales.remove(saleId);
    }

    public void update(ItemAvailability item) {
        availability.put(item.itemKey(), item);
    }

    public void forget(ItemKey item) {
        availability.remove(item);
    }

    public int size() {
        return sales.size();
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
                item == null ? null : new OrderCase.Item(item.kind(), item.seats()::contains),
                quantity,
                seatIds,
                now,
                0);
        Optional<Breach> breach = SaleRules.firstBreach(SaleRules.AT_THE_DOOR, order);
        if (breach.isPresent()) {
            return refusal(breach.get(), sale, now);
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

    private record KnownSale(OrderCase.Sale terms, Map<Sku, KnownItem> items) {}

    private record KnownItem(ItemKind kind, Set<SeatId> seats) {}
}
