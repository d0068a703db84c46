package io.spillway.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The buyer, as named by the gateway in front of ingest-api ({@code X-Customer-Id}). */
public record CustomerId(@JsonValue String value) {

    public CustomerId {
        Identifiers.require(value, Identifiers.CUSTOMER, "customerId");
    }

    @JsonCreator
    public static CustomerId of(String value) {
        return new CustomerId(value);
    }

    public static boolean isValid(String value) {
        return value != null && Identifiers.CUSTOMER.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
