package io.spillway.inventory.sales.rules;

import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.contract.problems.Violation;
import io.spillway.inventory.sales.rules.NewSale.NewItem;
import io.spillway.inventory.sales.rules.NewSale.SeatedItem;
import io.spillway.inventory.sales.rules.NewSale.StockItem;
import io.spillway.inventory.sales.rules.SaleRequest.ItemRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules a new sale must satisfy (CONTRACT.md, "Sales"): either every rule holds and the
 * request becomes a {@link NewSale}, or the answer lists what is wrong, field by field. (The rules
 * every order of a sale is held to are another matter: {@code io.spillway.contract.rules.SaleRules}.)
 *
 * <p>The list stops at {@link #MAX_VIOLATIONS}: a list of 100,000 seats can hold 100,000 bad
 * ones, and the first hundred tell the caller enough.
 */
public final class NewSaleRules {

    static final int MAX_PER_CUSTOMER_LIMIT = 1_000;
    /** A day: a hold is a buyer's time to pay, not a reservation for later (design "holds", reading 10). */
    static final int MAX_HOLD_SECONDS = 86_400;
    public static final int MAX_ITEMS = 100;
    static final int MAX_STOCK = 10_000_000;
    public static final int MAX_SEATS = 100_000;
    static final int MAX_VIOLATIONS = Violations.MAX;

    private NewSaleRules() {}

    /** The outcome of checking a request. */
    public sealed interface Checked {}

    public record Valid(NewSale sale) implements Checked {}

    public record Invalid(List<Violation> violations) implements Checked {}

    public static Checked check(SaleRequest request) {
        Violations violations = new Violations();
        if (!SaleId.isValid(request.saleId())) {
            violations.add("saleId", "must be 1-64 of A-Z a-z 0-9 . _ -");
        }
        OpeningRules.checkName(request.name(), violations);
        OpeningRules.Opening opening =
                OpeningRules.check(request.opensAt(), request.prequeueOpensAt(), request.openingOrder(), violations);
        Integer limit = request.perCustomerLimit();
        if (limit == null || limit < 1 || limit > MAX_PER_CUSTOMER_LIMIT) {
            violations.add("perCustomerLimit", "must be an integer from 1 to " + MAX_PER_CUSTOMER_LIMIT);
        }
        // Absent is 0: a sale without a hold, as every sale was before holds.
        int holdSeconds = request.holdSeconds() == null ? 0 : request.holdSeconds();
        if (holdSeconds < 0 || holdSeconds > MAX_HOLD_SECONDS) {
            violations.add("holdSeconds", "must be an integer from 0 to " + MAX_HOLD_SECONDS);
        }
        List<NewItem> items = checkItems(request.items(), violations);
        if (!violations.isEmpty()) {
            return new Invalid(violations.list());
        }
        return new Valid(new NewSale(SaleId.of(request.saleId()), request.name(), opening.opensAt(), limit, holdSeconds,
                items, opening.prequeueOpensAt(), opening.openingOrder()));
    }

    private static List<NewItem> checkItems(List<ItemRequest> items, Violations violations) {
        if (items == null || items.isEmpty() || items.size() > MAX_ITEMS) {
            violations.add("items", "must list 1 to " + MAX_ITEMS + " items");
            return List.of();
        }
        List<NewItem> valid = new ArrayList<>(items.size());
        Set<String> skus = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String path = "items[" + i + "]";
            ItemRequest item = items.get(i);
            if (item == null) {
                violations.add(path, "must be an item");
                continue;
            }
            boolean skuValid = Sku.isValid(item.sku());
            if (!skuValid) {
                violations.add(path + ".sku", "must be 1-64 of A-Z a-z 0-9 . _ -");
            } else if (!skus.add(item.sku())) {
                violations.add(path + ".sku", "must be unique within the sale");
            }
            NewItem checked = checkStockOrSeats(item, path, violations);
            if (skuValid && checked != null) {
                valid.add(checked);
            }
        }
        return valid;
    }

    private static NewItem checkStockOrSeats(ItemRequest item, String path, Violations violations) {
        if ((item.stock() == null) == (item.seats() == null)) {
            violations.add(path, "must have exactly one of stock and seats");
            return null;
        }
        if (item.stock() != null) {
            if (item.stock() < 0 || item.stock() > MAX_STOCK) {
                violations.add(path + ".stock", "must be an integer from 0 to " + MAX_STOCK);
                return null;
            }
            return Sku.isValid(item.sku()) ? new StockItem(Sku.of(item.sku()), item.stock()) : null;
        }
        List<String> seats = item.seats();
        if (seats.isEmpty() || seats.size() > MAX_SEATS) {
            violations.add(path + ".seats", "must list 1 to " + MAX_SEATS + " seats");
            return null;
        }
        List<SeatId> seatIds = new ArrayList<>(seats.size());
        Set<String> seen = new HashSet<>(seats.size() * 2);
        boolean ok = true;
        for (int j = 0; j < seats.size(); j++) {
            String seat = seats.get(j);
            if (!SeatId.isValid(seat)) {
                violations.add(path + ".seats[" + j + "]", "must be 1-64 of A-Z a-z 0-9 . _ -");
                ok = false;
            } else if (!seen.add(seat)) {
                violations.add(path + ".seats[" + j + "]", "must be unique within the item: " + seat + " is listed twice");
                ok = false;
            } else if (ok) {
                seatIds.add(SeatId.of(seat));
            }
        }
        return ok && Sku.isValid(item.sku()) ? new SeatedItem(Sku.of(item.sku()), seatIds) : null;
    }
}
