package io.spillway.inventory.sales;

import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.inventory.sales.SaleView.ItemView;
import io.spillway.inventory.sales.rules.NewSale;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A row of {@code sales} with its items. Only inventory-service writes sales; the version column is
 * mapped because every writer of the schema follows the same optimistic rule.
 */
@Entity
@Table(name = "sales")
class Sale {

    @Id
    @Column(name = "sale_id")
    private String saleId;

    private String name;

    @Column(name = "opens_at")
    private Instant opensAt;

    @Column(name = "per_customer_limit")
    private int perCustomerLimit;

    @Column(name = "hold_seconds")
    private int holdSeconds;

    /** Null until persisted: that is how Spring Data tells a new sale, so it inserts instead of merging. */
    @Version
    private Long version;

    @OneToMany(mappedBy = "sale", cascade = CascadeType.PERSIST)
    private List<Item> items = new ArrayList<>();

    protected Sale() {}

    static Sale of(NewSale sale) {
        Sale entity = new Sale();
        entity.saleId = sale.saleId().value();
        entity.name = sale.name();
        entity.opensAt = sale.opensAt();
        entity.perCustomerLimit = sale.perCustomerLimit();
        entity.holdSeconds = sale.holdSeconds();
        for (NewSale.NewItem item : sale.items()) {
            entity.items.add(new Item(entity, item.sku().value(), item.kind(), item.total()));
        }
        return entity;
    }

    String saleId() {
        return saleId;
    }

    List<Item> items() {
        return items;
    }

    SaleView view() {
        return new SaleView(SaleId.of(saleId), name, opensAt, holdSeconds, perCustomerLimit, items.stream()
                .map(item -> ItemView.of(
                        Sku.of(item.sku()), item.kind(), item.total(), item.available(), item.held(), item.soldOut()))
                .toList());
    }
}
