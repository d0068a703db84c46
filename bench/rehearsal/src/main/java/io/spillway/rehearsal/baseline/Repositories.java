package io.spillway.rehearsal.baseline;

import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface ItemRepository extends JpaRepository<Item, String> {
}

interface SeatRepository extends JpaRepository<Seat, String> {
}

interface PurchaseRepository extends JpaRepository<Purchase, UUID> {
}
