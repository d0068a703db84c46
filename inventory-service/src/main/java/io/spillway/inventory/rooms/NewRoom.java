package io.spillway.inventory.rooms;

import io.spillway.contract.admission.RoomId;
import io.spillway.inventory.sales.rules.OpeningRules.Opening;
import java.net.URI;

/** A room that passed {@link RoomRules} and is about to be created. */
record NewRoom(
        RoomId roomId, String name, Opening opening, int admitPerMinute, int maxActive, int sessionSeconds, URI checkoutUrl) {}
