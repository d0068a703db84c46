package io.spillway.contract.admission;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.spillway.contract.SaleId;

/**
 * A waiting room, such as {@code shop-black-friday}. It has the shape of a sale id (no '/', so it is
 * an unambiguous record key and URL segment), and the same check.
 */
public record RoomId(@JsonValue String value) {

    public RoomId {
        if (!SaleId.isValid(value)) {
            throw new IllegalArgumentException("roomId must have the shape of a saleId: [A-Za-z0-9._-]{1,64}");
        }
    }

    @JsonCreator
    public static RoomId of(String value) {
        return new RoomId(value);
    }

    public static boolean isValid(String value) {
        return SaleId.isValid(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
