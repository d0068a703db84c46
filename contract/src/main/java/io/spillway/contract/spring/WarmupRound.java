package io.spillway.contract.spring;

/**
 * One round of a service's warm-up: the work a buyer's request makes this service do, through the
 * same code (HTTP server, filters, controller, JSON, the service's own rules), with no effect that
 * outlives the round or that anyone else can see. A service that declares one gets a
 * {@link WarmupGate} that runs it, many times and from several threads at once, before the
 * instance reports ready.
 */
@FunctionalInterface
public interface WarmupRound {

    /** Throws when the round could not be done; the gate counts it and goes on. */
    void run() throws Exception;

    /**
     * Called once when the warm-up is over, after the last round has returned (or at start-up when
     * the warm-up is off): the moment to let go of whatever the rounds needed.
     */
    default void finished() {
    }
}
