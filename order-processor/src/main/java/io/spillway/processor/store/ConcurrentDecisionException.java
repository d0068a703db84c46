package io.spillway.processor.store;

/**
 * Another processor changed a row this one read: a write matched fewer rows than it must have. The
 * item's transaction is rolled back and decided again from fresh state.
 */
class ConcurrentDecisionException extends RuntimeException {

    ConcurrentDecisionException(String message) {
        super(message);
    }
}
