package io.spillway.processor.reservation;

import io.spillway.contract.OrderId;
import io.spillway.contract.SeatId;

/** A seat of a seated item; {@code holder} is the confirmed order that holds it, or null while free. */
public record Seat(SeatId id, int ordinal, OrderId holder) {

    public Seat {
        if (id == null) {
            throw new IllegalArgumentException("id is required");
        }
    }

    public boolean free() {
        return holder == null;
    }
}
