package io.spillway.notifier.status;

/** Where an order stands; {@link #CONFIRMED} and {@link #REJECTED} are final. */
public enum OrderState {
    QUEUED,
    CONFIRMED,
    REJECTED;

    public boolean isTerminal() {
        return this != QUEUED;
    }
}
