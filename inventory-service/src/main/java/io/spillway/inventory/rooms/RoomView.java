package io.spillway.inventory.rooms;

import io.spillway.contract.OpeningOrder;
import io.spillway.inventory.sales.rules.OpeningState;
import java.net.URI;
import java.time.Instant;

/**
 * What the rooms API answers about a room (admins only). {@code state} is a sale's, from the room's
 * times and its operator's pause or close, as of when it was read; {@code draw} is the commitment,
 * and the seed once the admitter has revealed it.
 */
record RoomView(
        String roomId, String name, OpeningState state, Instant opensAt, Instant prequeueOpensAt, OpeningOrder openingOrder,
        int admitPerMinute, int maxActive, int sessionSeconds, URI checkoutUrl, Instant closedAt, DrawView draw) {

    record DrawView(String commitment, String seed) {}
}
