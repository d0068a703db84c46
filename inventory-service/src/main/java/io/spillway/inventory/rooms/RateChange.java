package io.spillway.inventory.rooms;

/**
 * The body of {@code PATCH /api/v1/rooms/{roomId}}: either rate, or both; an absent one keeps its
 * value. After {@link RoomRules#checkRates} each present one is within its range.
 */
record RateChange(Integer admitPerMinute, Integer maxActive) {}
