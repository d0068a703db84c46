package io.spillway.inventory.sales.rules;

import io.spillway.contract.SeatId;
import io.spillway.contract.problems.Violation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules the body of {@code PATCH /api/v1/sales/{saleId}/items/{sku}} must satisfy on its own
 * (CONTRACT.md, "Running a sale"): exactly one of {@code addStock} (1 to {@link NewSaleRules#MAX_STOCK}
 * units) and {@code addSeats} (1 to {@link NewSaleRules#MAX_SEATS} seat ids, valid and unique). What
 * depends on the item (its kind, the seats it already has, how large it may grow) is checked against
 * the database by the addition itself; {@link #largestItem} says how large.
 *
 * <p>Limits: as for a new sale, the list of violations stops at {@link NewSaleRules#MAX_VIOLATIONS}.
 */
public final class ItemAdditionRules {

    private ItemAdditionRules() {}

    /** The body as sent, fields as loose as JSON allows so that every problem can be named. */
    public record Request(Integer addStock, List<String> addSeats) {}

    /** What to add, once the body is valid. */
    public sealed interface Addition {

        /** Units (or seats) added. */
        int units();
    }

    public record Stock(int units) implements Addition {}

    public record Seats(List<SeatId> seats) implements Addition {

        public Seats {
            seats = List.copyOf(seats);
        }

        @Override
        public int units() {
            return seats.size();
        }
    }

    public sealed interface Checked {}

    public record Valid(Addition addition) implements Checked {}

    public record Invalid(List<Violation> violations) implements Checked {}

    /** The most an item of this kind may hold after an addition, as at its creation. */
    public static int largestItem(Addition addition) {
        return addition instanceof Seats ? NewSaleRules.MAX_SEATS : NewSaleRules.MAX_STOCK;
    }

    public static Checked check(Request request) {
        if (request == null || (request.addStock() == null) == (request.addSeats() == null)) {
            return new Invalid(List.of(new Violation("addStock", "must have exactly one of addStock and addSeats")));
        }
        if (request.addStock() != null) {
            int units = request.addStock();
            return units < 1 || units > NewSaleRules.MAX_STOCK
                    ? new Invalid(List.of(new Violation("addStock", "must be an integer from 1 to " + NewSaleRules.MAX_STOCK)))
                    : new Valid(new Stock(units));
        }
        List<String> seats = request.addSeats();
        if (seats.isEmpty() || seats.size() > NewSaleRules.MAX_SEATS) {
            return new Invalid(List.of(new Violation("addSeats", "must list 1 to " + NewSaleRules.MAX_SEATS + " seats")));
        }
        List<Violation> violations = new ArrayList<>();
        List<SeatId> seatIds = new ArrayList<>(seats.size());
        Set<String> seen = new HashSet<>(seats.size() * 2);
        for (int i = 0; i < seats.size() && violations.size() < NewSaleRules.MAX_VIOLATIONS; i++) {
            String seat = seats.get(i);
            if (!SeatId.isValid(seat)) {
                violations.add(new Violation("addSeats[" + i + "]", "must be 1-64 of A-Z a-z 0-9 . _ -"));
            } else if (!seen.add(seat)) {
                violations.add(new Violation("addSeats[" + i + "]", "must be unique: " + seat + " is listed twice"));
            } else {
                seatIds.add(SeatId.of(seat));
            }
        }
        return violations.isEmpty() ? new Valid(new Seats(seatIds)) : new Invalid(List.copyOf(violations));
    }
}
