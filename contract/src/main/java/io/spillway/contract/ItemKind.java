package io.spillway.contract;

/** How an item is sold: by count ({@code STOCK}) or by named seat ({@code SEATED}). */
public enum ItemKind {
    STOCK, SEATED
}
