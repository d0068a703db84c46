package io.spillway.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** An item of a sale, such as {@code GA} or {@code VIP}. */
public record Sku(@JsonValue String value) {

    public Sku {
        Identifiers.require(value, Identifiers.NAME, "sku");
    }

    @JsonCreator
    public static Sku of(String value) {
        return new Sku(value);
    }

    public static boolean isValid(String value) {
        return value != null && Identifiers.NAME.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
