package io.spillway.inventory.sales.rules;

import java.util.List;

/**
 * The body of {@code POST /api/v1/sales} as the client sent it, before any rule was checked. Fields
 * are as loose as JSON allows (nullable, {@code opensAt} as text) so that {@link NewSaleRules} can name
 * every problem instead of the JSON reader failing on the first one.
 */
public record SaleRequest(
        String saleId, String name, String opensAt, Integer perCustomerLimit, List<ItemRequest> items, Integer holdSeconds,
        String prequeueOpensAt, String openingOrder) {

    /** Without a pre-queue, in the default opening order. */
    public SaleRequest(
            String saleId, String name, String opensAt, Integer perCustomerLimit, List<ItemRequest> items,
            Integer holdSeconds) {
        this(saleId, name, opensAt, perCustomerLimit, items, holdSeconds, null, null);
    }

    /** One item: exactly one of {@code stock} and {@code seats} is meant to be present. */
    public record ItemRequest(String sku, Integer stock, List<String> seats) {}
}
