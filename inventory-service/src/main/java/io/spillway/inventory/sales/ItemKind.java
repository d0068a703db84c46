package io.spillway.inventory.sales;

/** How an item is sold: by count ({@code STOCK}) or by named seats ({@code SEATED}). */
enum ItemKind {
    STOCK,
    SEATED
}
