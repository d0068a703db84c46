package io.spillway.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * Everything that is said about an order on Kafka. Each value names its {@code type} and
 * {@code schemaVersion} so that a reader can refuse what it does not understand instead of
 * guessing.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = OrderRequested.class, name = "OrderRequested"),
    @JsonSubTypes.Type(value = OrderConfirmed.class, name = "OrderConfirmed"),
    @JsonSubTypes.Type(value = OrderRejected.class, name = "OrderRejected")
})
public sealed interface OrderEvent permits OrderRequested, OrderDecision {

    int SCHEMA_VERSION = 1;

    int schemaVersion();

    OrderId orderId();

    CustomerId customerId();

    SaleId saleId();

    Sku sku();

    Instant requestedAt();

    default ItemKey itemKey() {
        return new ItemKey(saleId(), sku());
    }

    static void requireSupported(int schemaVersion) {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported schemaVersion " + schemaVersion);
        }
    }

    static <T> T require(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
