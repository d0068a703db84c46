package io.spillway.processor.store;

/**
 * The database refused a poll's transaction for what the orders hold, not for its own health: a
 * data exception, an integrity constraint, a program limit ({@link Refusals} says which). Deciding
 * the same orders again fails the same way, so the poll is not retried as a whole: the caller splits
 * it to find the order(s) at fault. The database circuit ignores it: it is no outage.
 */
public final class RefusedByDatabaseException extends RuntimeException {

    private final String sqlState;

    RefusedByDatabaseException(String sqlState, String message, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /** PostgreSQL's SQLState, such as {@code 22008} or {@code 23514}. */
    public String sqlState() {
        return sqlState;
    }
}
