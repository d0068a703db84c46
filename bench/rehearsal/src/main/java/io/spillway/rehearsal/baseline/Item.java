package io.spillway.rehearsal.baseline;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** An item sold by count; {@code @Version} makes two buyers' concurrent updates conflict. */
@Entity
@Table(name = "item")
class Item {

    @Id
    String sku;

    int total;

    int available;

    @Version
    long version;

    protected Item() {
    }

    Item(String sku, int total) {
        this.sku = sku;
        this.total = total;
        this.available = total;
    }
}
