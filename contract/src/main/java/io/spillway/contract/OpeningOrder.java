package io.spillway.contract;

/**
 * The order in which a sale's pre-queue is decided at {@code opensAt} (CONTRACT.md, "Opening"):
 * {@code FIFO} keeps the order orders reached their line, {@code SHUFFLED} sorts them by their
 * {@link Draw#key draw key}.
 */
public enum OpeningOrder {
    FIFO,
    SHUFFLED
}
