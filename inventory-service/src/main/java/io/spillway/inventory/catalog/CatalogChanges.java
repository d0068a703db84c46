package io.spillway.inventory.catalog;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.ItemKey;
import io.spillway.contract.SaleId;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the relay has published since this process started, and so what it still has to: sales it
 * has not published yet (a sale does not change once created) and items whose availability differs
 * from what it last published. Empty at start-up, so everything is published once then.
 *
 * <p>Only what the broker acknowledged is recorded, so a failed publish is simply found again on the
 * next poll. Not thread-safe: the relay's one thread owns it.
 */
final class CatalogChanges {

    private final Set<SaleId> publishedSales = new HashSet<>();
    private final Map<ItemKey, ItemAvailability> publishedItems = new HashMap<>();

    List<SaleId> unpublishedSales(Collection<SaleId> existing) {
        return existing.stream().filter(saleId -> !publishedSales.contains(saleId)).toList();
    }

    List<ItemAvailability> changedItems(Collection<ItemAvailability> current) {
        return current.stream().filter(item -> !item.equals(publishedItems.get(item.itemKey()))).toList();
    }

    void salePublished(SaleId saleId) {
        publishedSales.add(saleId);
    }

    void itemPublished(ItemAvailability item) {
        publishedItems.put(item.itemKey(), item);
    }

    boolean isPublished(SaleId saleId) {
        return publishedSales.contains(saleId);
    }
}
