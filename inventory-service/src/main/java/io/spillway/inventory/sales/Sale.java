package io.spillway.inventory.sales;

import io.spillway.contract.Draw;
import io.spillway.contract.OpeningOrder;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.inventory.sales.SaleView.ItemView;
import io.spillway.inventory.sales.rules.NewSale;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
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

    @Column(name = "prequeue_opens_at")
    private Instant prequeueOpensAt;

    @Enumerated(EnumType.STRING)
    @Column(name = "opening_order")
    private OpeningOrder openingOrder;

    /** Secret until {@link #drawRevealedAt}: never in a log, a metric or an answer before. */
    @Column(name = "draw_seed", updatable = false)
    private byte[] drawSeed;

    /** Set by the processor once every pre-queue order of the sale is decided. */
    @Column(name = "draw_revealed_at", insertable = false, updatable = false)
    private Instant drawRevealedAt;

    /** Set by an operator (sale control); written by {@link SaleControl}, never through the entity. */
    @Column(name = "paused", insertable = false, updatable = false)
    private boolean paused;

    /** Set by an operator closing the sale (sale control); written by {@link SaleControl}. */
    @Column(name = "closed_at", insertable = false, updatable = false)
    private Instant closedAt;

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
        entity.prequeueOpensAt = sale.prequeueOpensAt();
        entity.openingOrder = sale.openingOrder();
        // Fixed now, before any order exists: nobody, the operator included, can pick it to suit one.
        entity.drawSeed = Draw.newSeed();
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

    SaleView view(Instant now) {
        SaleView.DrawView draw = drawSeed == null
                ? null
                : new SaleView.DrawView(Draw.commitment(drawSeed), drawRevealedAt == null ? null : Draw.hex(drawSeed));
        return new SaleView(SaleId.of(saleId), name, SaleView.SaleState.at(now, prequeueOpensAt, opensAt, paused, closedAt != null), opensAt,
                prequeueOpensAt, openingOrder == null ? OpeningOrder.FIFO : openingOrder, holdSeconds,
                perCustomerLimit, draw, items.stream()
                        .map(item -> ItemView.of(Sku.of(item.sku()), item.kind(), item.total(), item.available(),
                                item.held(), item.soldOut()))
                        .toList());
    }

    /** A sale's entity prints no seed. */
    @Override
    public String toString() {
        return "Sale[" + saleId + "]";
    }
}
