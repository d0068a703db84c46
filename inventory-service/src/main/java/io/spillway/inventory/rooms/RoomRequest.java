package io.spillway.inventory.rooms;

/**
 * The body of {@code POST /api/v1/rooms} as the client sent it, before any rule was checked: as loose
 * as JSON allows, so that {@link RoomRules} can name every problem instead of the JSON reader failing
 * on the first one.
 */
record RoomRequest(
        String roomId, String name, String opensAt, String prequeueOpensAt, String openingOrder, Integer admitPerMinute,
        Integer maxActive, Integer sessionSeconds, String checkoutUrl) {}
