package io.spillway.rehearsal.baseline;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * One attempt at an order: read the item (or the seats), check, decrement, record the purchase, all
 * in one transaction. A concurrent buyer's commit in between makes the version check fail at flush
 * ({@code ObjectOptimisticLockingFailureException}); {@link CheckoutController} tries again.
 */
@Service
class CheckoutTransaction {

    private final ItemRepository items;
    private final SeatRepository seats;
    private final PurchaseRepository purchases;

    CheckoutTransaction(ItemRepository items, SeatRepository seats, PurchaseRepository purchases) {
        this.items = items;
        this.seats = seats;
        this.purchases = purchases;
    }

    @Transactional
    String decide(String customerId, String idempotencyKey, CheckoutController.OrderRequest request) {
        UUID orderId = UUID.nameUUIDFromBytes((customerId + "/" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
        var existing = purchases.findById(orderId);
        if (existing.isPresent()) {
            return existing.get().status;
        }
        if (request.seatIds() != null && !request.seatIds().isEmpty()) {
            List<Seat> wanted = new ArrayList<>();
            for (String seatId : request.seatIds()) {
                Seat seat = seats.findById(seatId).orElseThrow(() -> new IllegalArgumentException("unknown seat " + seatId));
                if (seat.ownerOrder != null) {
                    purchases.save(new Purchase(orderId, customerId, request.sku(), request.seatIds().size(),
                            String.join(",", request.seatIds()), "REJECTED"));
                    return "REJECTED";
                }
                wanted.add(seat);
            }
            wanted.forEach(seat -> seat.ownerOrder = orderId);
            purchases.save(new Purchase(orderId, customerId, request.sku(), wanted.size(),
                    String.join(",", request.seatIds()), "CONFIRMED"));
            return "CONFIRMED";
        }
        Item item = items.findById(request.sku()).orElseThrow(() -> new IllegalArgumentException("unknown item"));
        if (item.available < request.quantity()) {
            purchases.save(new Purchase(orderId, customerId, request.sku(), request.quantity(), "", "REJECTED"));
            return "REJECTED";
        }
        item.available -= request.quantity();
        purchases.save(new Purchase(orderId, customerId, request.sku(), request.quantity(), "", "CONFIRMED"));
        return "CONFIRMED";
    }

    @Transactional
    void reset(int stock, int seatCount) {
        purchases.deleteAllInBatch();
        seats.deleteAllInBatch();
        items.deleteAllInBatch();
        items.save(new Item("GA", stock));
        for (int i = 1; i <= seatCount; i++) {
            seats.save(new Seat("A-" + i));
        }
    }
}
