package io.spillway.processor.reservation;

import io.spillway.contract.ItemKind;

/**
 * What is left of an item. {@code soldOut} is sticky: once an order did not fit, every later order of
 * the item is refused, which is what keeps first come, first served (CONTRACT.md, guarantee 4).
 */
public record ItemState(ItemKind kind, int available, boolean soldOut) {

    public ItemState {
        if (kind == null) {
            throw new IllegalArgumentException("kind is required");
        }
        if (available < 0) {
            throw new IllegalArgumentException("available must not be negative");
        }
    }
}
