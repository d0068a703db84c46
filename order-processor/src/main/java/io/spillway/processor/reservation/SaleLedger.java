package io.spillway.processor.reservation;

import io.spillway.contract.CustomerId;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides the orders of several items at once, possibly of several sales, with one {@link ItemLedger}
 * per item, and carries between those ledgers what a sale's items share: what each buyer holds in
 * the sale, which the per-customer limit counts, and which orders were decided already.
 *
 * <p>Items are decided one after another in the order given, each item's orders in their order: an
 * item sees the holdings the items before it raised, and an order decided under one item (or before,
 * given as {@code earlier}) is replayed wherever it appears again, even under another item.
 *
 * <p>Limits: it only knows what it was given. A missing sale or item makes every order of the item
 * {@code INVALID_ITEM}; a buyer not in {@code holdings} holds nothing; a seated item needs every free
 * seat and every seat an order names. It decides once: {@link #decide} may be called a single time,
 * because the item ledgers start from the item states given, not from what an earlier call left.
 */
public final class SaleLedger {

    private final Map<SaleId, SaleTerms> sales;
    private final Map<ItemKey, ItemState> items;
    private final Map<ItemKey, List<Seat>> seats;
    private final Map<Holding, Integer> holdings;
    private final Map<OrderId, OrderDecision> known;
    private boolean used;

    /**
     * @param sales the terms of every sale that exists
     * @param items the state of every item that exists
     * @param seats per seated item: its free seats and every seat an order names
     * @param holdings what each buyer holds in each sale, for the buyers who hold anything
     * @param earlier the orders decided before, by id
     */
    public SaleLedger(
            Map<SaleId, SaleTerms> sales,
            Map<ItemKey, ItemState> items,
            Map<ItemKey, List<Seat>> seats,
            Map<Holding, Integer> holdings,
            Map<OrderId, OrderDecision> earlier) {
        this.sales = sales;
        this.items = items;
        this.seats = seats;
        this.holdings = new HashMap<>(holdings);
        this.known = new HashMap<>(earlier);
    }

    /** Decides every request, item by item in the map's order; {@code decidedAt} stamps the new decisions. */
    public SaleDecisions decide(Map<ItemKey, List<OrderRequested>> byItem, Instant decidedAt) {
        if (used) {
            throw new IllegalStateException("a sale ledger decides once");
        }
        used = true;
        Map<Holding, Integer> raised = new LinkedHashMap<>();
        Map<ItemKey, ItemLedger> ledgers = new LinkedHashMap<>();
        List<OrderDecision> all = new ArrayList<>();
        List<OrderDecision> fresh = new ArrayList<>();
        byItem.forEach((item, requests) -> {
            Map<CustomerId, Integer> buyers = new HashMap<>();
            List<OrderDecision> earlier = new ArrayList<>();
            for (OrderRequested request : requests) {
                Integer holding = holdings.get(new Holding(item.saleId(), request.customerId()));
                if (holding != null) {
                    buyers.put(request.customerId(), holding);
                }
                OrderDecision before = known.get(request.orderId());
                if (before != null) {
                    earlier.add(before);
                }
            }
            ItemLedger ledger = new ItemLedger(
                    item,
                    sales.get(item.saleId()),
                    items.get(item),
                    seats.getOrDefault(item, List.of()),
                    buyers,
                    earlier);
            for (OrderRequested request : requests) {
                all.add(ledger.decide(request, decidedAt));
            }
            ledger.holdingsChanged().forEach((customer, quantity) -> {
                Holding holding = new Holding(item.saleId(), customer);
                holdings.put(holding, quantity);
                raised.put(holding, quantity);
            });
            for (OrderDecision decision : ledger.newDecisions()) {
                known.put(decision.orderId(), decision);
                fresh.add(decision);
            }
            ledgers.put(item, ledger);
        });
        return new SaleDecisions(all, fresh, ledgers, raised);
    }
}
