package io.spillway.processor.reservation;

import io.spillway.contract.CustomerId;
import io.spillway.contract.ItemKey;
import io.spillway.contract.ItemKind;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SeatId;
import io.spillway.contract.rules.OrderCase;
import io.spillway.contract.rules.SaleRule.Breach;
import io.spillway.contract.rules.SaleRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides the orders of one item, in arrival order, against a snapshot of the item, its sale, its
 * seats and the buyers' holdings in the sale, and keeps track of what the decisions changed so that
 * the caller can write exactly that.
 *
 * <p>An order is first held to the sale's rules ({@link SaleRules#IN_THE_LEDGER}, the same the door
 * applies), then to what is left of the item.
 *
 * <p>An order that was decided before (given as {@code earlier}, or decided by this ledger already)
 * is answered with that decision again and changes nothing: an order is decided once, however often
 * it is delivered.
 *
 * <p>Limits: the ledger only knows the seats and holdings it was given. For a seated item it must be
 * given every free seat and every seat an order names; holdings of buyers it was not given count as
 * zero. It is not thread-safe; one ledger serves one item's batch.
 */
public final class ItemLedger {

    private final ItemKey item;
    private final SaleTerms sale;
    private final ItemState original;
    private int available;
    private boolean soldOut;
    private int heldAdded;
    private final Map<SeatId, Seat> seats = new HashMap<>();
    private final TreeMap<Integer, SeatId> freeByOrdinal = new TreeMap<>();
    private final Map<SeatId, OrderId> seatsTaken = new LinkedHashMap<>();
    private final Map<CustomerId, Integer> holdings;
    private final Map<CustomerId, Integer> holdingsChanged = new LinkedHashMap<>();
    private final Map<OrderId, OrderDecision> decided = new HashMap<>();
    private final List<OrderDecision> newDecisions = new ArrayList<>();
    // What the sale's rules are told of the sale and the item, made once for every order of the batch.
    private final OrderCase.Sale terms;
    private final OrderCase.Item itemFacts;

    /**
     * @param sale the sale's terms, or null when the sale does not exist
     * @param state the item, or null when the item does not exist
     */
    public ItemLedger(
            ItemKey item,
            SaleTerms sale,
            ItemState state,
            Collection<Seat> seats,
            Map<CustomerId, Integer> holdings,
            Collection<? extends OrderDecision> earlier) {
        this.item = item;
        this.sale = sale;
        this.original = state;
        this.available = state == null ? 0 : state.available();
        this.soldOut = state != null && state.soldOut();
        for (Seat seat : seats) {
            this.seats.put(seat.id(), seat);
            if (seat.free()) {
                freeByOrdinal.put(seat.ordinal(), seat.id());
            }
        }
        this.holdings = new HashMap<>(holdings);
        this.terms = sale == null ? null : new OrderCase.Sale(sale.ordersFrom(), sale.perCustomerLimit());
        this.itemFacts = state == null ? null : new OrderCase.Item(state.kind(), this.seats::containsKey);
        for (OrderDecision decision : earlier) {
            decided.put(decision.orderId(), decision);
        }
    }

    /** The decision on the order: the earlier one if it was decided before, otherwise a new one. */
    public OrderDecision decide(OrderRequested request, Instant decidedAt) {
        if (!request.itemKey().equals(item)) {
            throw new IllegalArgumentException("order " + request.orderId() + " is not for " + item);
        }
        OrderDecision earlier = decided.get(request.orderId());
        if (earlier != null) {
            return earlier;
        }
        OrderDecision decision = evaluate(request, decidedAt);
        decided.put(request.orderId(), decision);
        newDecisions.add(decision);
        return decision;
    }

    private OrderDecision evaluate(OrderRequested request, Instant decidedAt) {
        if (sale != null && sale.closed()) {
            // Closed by an operator: whatever else the order is, it comes too late.
            return OrderRejected.of(request, RejectionReason.SALE_CLOSED, decidedAt);
        }
        int holding = holdings.getOrDefault(request.customerId(), 0);
        Optional<Breach> breach = SaleRules.firstBreach(SaleRules.IN_THE_LEDGER, asCase(request, holding));
        if (breach.isPresent()) {
            return OrderRejected.of(request, breach.get().rule().rejection(), decidedAt);
        }
        ItemKind kind = original.kind();
        List<SeatId> granted;
        if (kind == ItemKind.STOCK) {
            if (soldOut || available < request.quantity()) {
                // Close the item: a smaller order behind this one must not get what this one could not.
                soldOut = true;
                return OrderRejected.of(request, RejectionReason.SOLD_OUT, decidedAt);
            }
            granted = List.of();
        } else if (request.namesSeats()) {
            if (request.seatIds().stream().anyMatch(id -> !seats.get(id).free())) {
                return OrderRejected.of(request, RejectionReason.SEAT_TAKEN, decidedAt);
            }
            granted = request.seatIds();
        } else {
            if (freeByOrdinal.size() < request.quantity() || available < request.quantity()) {
                return OrderRejected.of(request, RejectionReason.SOLD_OUT, decidedAt);
            }
            granted = freeByOrdinal.values().stream().limit(request.quantity()).toList();
        }
        for (SeatId id : granted) {
            Seat seat = seats.get(id);
            seats.put(id, new Seat(id, seat.ordinal(), request.orderId()));
            freeByOrdinal.remove(seat.ordinal());
            seatsTaken.put(id, request.orderId());
        }
        available -= request.quantity();
        if (available == 0) {
            // Nothing fits any more; saying so at once lets the door refuse later orders early.
            soldOut = true;
        }
        holdings.put(request.customerId(), holding + request.quantity());
        holdingsChanged.put(request.customerId(), holding + request.quantity());
        if (sale.holdSeconds() > 0) {
            // Held for payment: the units leave available for held, and come back if the hold ends unpaid.
            heldAdded += request.quantity();
            return OrderConfirmed.of(request, granted, decidedAt, decidedAt.plusSeconds(sale.holdSeconds()));
        }
        return OrderConfirmed.of(request, granted, decidedAt);
    }

    private OrderCase asCase(OrderRequested request, int holding) {
        return new OrderCase(request.saleId(), request.sku(), terms, itemFacts, request.quantity(),
                request.seatIds(), request.requestedAt(), holding);
    }

    /** The item as the decisions left it, or null when the item does not exist. */
    public ItemState state() {
        return original == null ? null : new ItemState(original.kind(), available, soldOut);
    }

    public boolean itemChanged() {
        return original != null && (heldAdded > 0 || !original.equals(state()));
    }

    /** Units (or seats) this ledger's confirmations hold for payment: to add to the item's {@code held}. */
    public int heldAdded() {
        return heldAdded;
    }

    /** Seats newly taken by this ledger's confirmations, with the order that took each. */
    public Map<SeatId, OrderId> seatsTaken() {
        return Map.copyOf(seatsTaken);
    }

    /** The new holding of every buyer whose holding this ledger raised. */
    public Map<CustomerId, Integer> holdingsChanged() {
        return Map.copyOf(holdingsChanged);
    }

    /** The decisions this ledger made, in the order it made them (replays excluded). */
    public List<OrderDecision> newDecisions() {
        return List.copyOf(newDecisions);
    }
}
