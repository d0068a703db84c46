package io.spillway.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A named seat of a seated item, such as {@code A-1}. */
public record SeatId(@JsonValue String value) implements Comparable<SeatId> {

    public SeatId {
        Identifiers.require(value, Identifiers.NAME, "seatId");
    }

    @JsonCreator
    public static SeatId of(String value) {
        return new SeatId(value);
    }

    public static boolean isValid(String value) {
        return value != null && Identifiers.NAME.matcher(value).matches();
    }

    @Override
    public int compareTo(SeatId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
