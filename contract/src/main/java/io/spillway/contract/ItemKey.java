package io.spillway.contract;

/**
 * The record key of {@code orders.requested}: {@code saleId/sku}. Keying by item keeps one item's
 * orders in one partition, in arrival order, which is what makes first come, first served per item
 * possible.
 */
public record ItemKey(SaleId saleId, Sku sku) {

    public static ItemKey parse(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("item key must be saleId/sku: " + key);
        }
        return new ItemKey(SaleId.of(key.substring(0, slash)), Sku.of(key.substring(slash + 1)));
    }

    @Override
    public String toString() {
        return saleId.value() + "/" + sku.value();
    }
}
