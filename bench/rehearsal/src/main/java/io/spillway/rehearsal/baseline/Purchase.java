package io.spillway.rehearsal.baseline;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A decided order: written in the same transaction as the item's or seats' update. */
@Entity
@Table(name = "purchase")
class Purchase {

    @Id
    UUID orderId;

    String customerId;

    String sku;

    int quantity;

    /** Comma-separated seat ids, empty for an item sold by count. */
    String seats;

    String status;

    Instant decidedAt;

    protected Purchase() {
    }

    Purchase(UUID orderId, String customerId, String sku, int quantity, String seats, String status) {
        this.orderId = orderId;
        this.customerId = customerId;
        this.sku = sku;
        this.quantity = quantity;
        this.seats = seats;
        this.status = status;
        this.decidedAt = Instant.now();
    }
}
