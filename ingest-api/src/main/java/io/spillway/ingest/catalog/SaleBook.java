package io.spillway.ingest.catalog;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.ItemKey;
import io.spillway.contract.ItemKind;
import io.spillway.contract.SaleDefined;
import io.spillway.contract.SaleDefined.ItemDefinition;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.ingest.catalog.DoorVerdict.Reason;
import io.spillway.ingest.catalog.DoorVerdict.Refuse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * succeed (unknown, not open, already sold out), never grants anything.
 */
public final class SaleBook {

    private final Map<SaleId, KnownSale> sales = new ConcurrentHashMap<>();
    private final Map<ItemKey, ItemAvailability> availability = new ConcurrentHashMap<>();

    public void define(SaleDefined sale) {
        Map<Sku, KnownItem> items = new HashMap<>();
        for (ItemDefinition item : sale.items()) {
            items.put(item.sku(), new KnownItem(item.kind(), Set.copyOf(item.seatIds())));
        }
        sales.put(sale.saleId(), new KnownSale(sale.opensAt(), sale.perCustomerLimit(), Map.copyOf(items)));
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

    /** The door's rules for one order, in the order a buyer would want to hear them. */
    public DoorVerdict check(SaleId saleId, Sku sku, int quantity, List<SeatId> seatIds, Instant now) {
        KnownSale sale = sales.get(saleId);
        if (sale == null) {
            return new Refuse(Reason.UNKNOWN_SALE, "saleId", "is not a known sale", null);
        }
        KnownItem item = sale.items().get(sku);
        if (item == null) {
            return new Refuse(Reason.UNKNOWN_ITEM, "sku", "is not an item of sale " + saleId, null);
        }
        if (!seatIds.isEmpty()) {
            if (item.kind() == ItemKind.STOCK) {
                return new Refuse(Reason.SEATS_ON_STOCK_ITEM, "seatIds", "item " + sku + " has no named seats", null);
            }
            for (int i = 0; i < seatIds.size(); i++) {
                if (!item.seats().contains(seatIds.get(i))) {
                    return new Refuse(Reason.SEATS_NOT_IN_ITEM, "seatIds[" + i + "]", "is not a seat of item " + sku, null);
                }
            }
        }
        if (quantity > sale.perCustomerLimit()) {
            return new Refuse(Reason.ABOVE_CUSTOMER_LIMIT, "quantity",
                    "must not exceed the sale's per-customer limit of " + sale.perCustomerLimit(), null);
        }
        if (now.isBefore(sale.opensAt())) {
            return new Refuse(Reason.NOT_OPEN, "saleId", "opens at " + sale.opensAt(),
                    Duration.between(now, sale.opensAt()));
        }
        ItemAvailability left = availability.get(new ItemKey(saleId, sku));
        if (left != null && left.soldOut()) {
            return new Refuse(Reason.SOLD_OUT, "sku", "is sold out", null);
        }
        return DoorVerdict.PASS;
    }

    private record KnownSale(Instant opensAt, int perCustomerLimit, Map<Sku, KnownItem> items) {}

    private record KnownItem(ItemKind kind, Set<SeatId> seats) {}
}
