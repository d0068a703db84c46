package io.spillway.rehearsal.baseline;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.UUID;

/** A named seat; its owner is set once, {@code @Version} guarding the race for it. */
@Entity
@Table(name = "seat")
class Seat {

    @Id
    String seatId;

    UUID ownerOrder;

    @Version
    long version;

    protected Seat() {
    }

    Seat(String seatId) {
        this.seatId = seatId;
    }
}
