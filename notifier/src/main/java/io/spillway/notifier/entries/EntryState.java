package io.spillway.notifier.entries;

/** An entry's status, as the contract names it. */
public enum EntryState {
    /** In the room's line (or its pre-queue), or not visible yet. */
    WAITING,
    /** Admitted: the buyer may go to the shop with the token. Terminal. */
    ADMITTED,
    /** The room closed while it waited. Terminal. */
    CLOSED
}
