package io.spillway.inventory.sales;

import io.spillway.contract.ItemKind;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.MapsId;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.io.Serializable;
import java.util.Objects;

/**
 * A row of {@code items}. inventory-service inserts it; order-processor then keeps {@code available},
 * {@code held} and {@code sold_out} right with {@code ... WHERE version = ?}, which is why the version
 * is mapped and why this service never updates an item it did not just create.
 */
@Entity
@Table(name = "items")
class Item {

    @EmbeddedId
    private Key id;

    @MapsId("saleId")
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "sale_id")
    private Sale sale;

    // By name: the column's CHECK allows exactly the contract's constants, 'STOCK' and 'SEATED'.
    @Enumerated(EnumType.STRING)
    private ItemKind kind;

    private int total;

    private int available;

    /** Units of confirmed orders held for payment; the processor moves them between here and available. */
    private int held;

    @Column(name = "sold_out")
    private boolean soldOut;

    @Version
    private Long version;

    protected Item() {}

    Item(Sale sale, String sku, ItemKind kind, int total) {
        this.id = new Key(sale.saleId(), sku);
        this.sale = sale;
        this.kind = kind;
        this.total = total;
        this.available = total;
        this.held = 0;
        this.soldOut = false;
    }

    String sku() {
        return id.sku;
    }

    ItemKind kind() {
        return kind;
    }

    int total() {
        return total;
    }

    int available() {
        return available;
    }

    int held() {
        return held;
    }

    boolean soldOut() {
        return soldOut;
    }

    /** The primary key (sale_id, sku). */
    @Embeddable
    static class Key implements Serializable {

        @Column(name = "sale_id")
        private String saleId;

        private String sku;

        protected Key() {}

        Key(String saleId, String sku) {
            this.saleId = saleId;
            this.sku = sku;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(saleId, key.saleId) && Objects.equals(sku, key.sku);
        }

        @Override
        public int hashCode() {
            return Objects.hash(saleId, sku);
        }
    }
}
