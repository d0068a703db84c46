package io.spillway.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A sale, such as {@code concert-2026-12-24}. */
public record SaleId(@JsonValue String value) {

    public SaleId {
        Identifiers.require(value, Identifiers.NAME, "saleId");
    }

    @JsonCreator
    public static SaleId of(String value) {
        return new SaleId(value);
    }

    public static boolean isValid(String value) {
        return value != null && Identifiers.NAME.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
