package io.spillway.processor.store;

import java.sql.SQLException;

/**
 * Tells a transaction that failed because of the orders in it (a <i>refusal</i>: the same orders fail
 * again, whatever the database's health) from one that failed because the database is unwell (an
 * <i>outage</i>: the same orders succeed later). A refusal must not stop the partition: its order is
 * isolated and dead-lettered. An outage must stop it: the circuit opens and nothing is given up.
 *
 * <p>By PostgreSQL's SQLState class (Appendix A of its manual):
 *
 * <table>
 *   <caption>classification</caption>
 *   <tr><th>class</th><th>meaning</th><th>here</th></tr>
 *   <tr><td>22</td><td>data exception (out of range, bad datetime, string too long, bad text)</td><td>refusal</td></tr>
 *   <tr><td>23 but 23505</td><td>integrity constraint (check, not null, foreign key, exclusion)</td><td>refusal</td></tr>
 *   <tr><td>54</td><td>program limit exceeded (statement too complex, too many arguments)</td><td>refusal</td></tr>
 *   <tr><td>23505, 40, 55P03</td><td>unique violation, serialization/deadlock, lock not available</td><td>conflict with
 *       another processor: retried as one by {@link PollDecider}, then neither</td></tr>
 *   <tr><td>08, 53, 57, 58, XX, 25, 28, 3D</td><td>connection, resources, operator intervention or
 *       statement timeout, system/internal error, read-only (failover), authentication, database</td><td>outage</td></tr>
 *   <tr><td>42, 0A, others</td><td>the statements or the schema are wrong for every order (a deployment error)</td><td>outage:
 *       splitting would dead-letter every order</td></tr>
 *   <tr><td>none</td><td>no connection from the pool, timeouts, a closed pool</td><td>outage</td></tr>
 * </table>
 *
 * <p>Only PostgreSQL's answer is judged: an exception of the processor's own code stays an outage,
 * because it may come from an item's state rather than from one order, and splitting would then
 * dead-letter every order of the item.
 *
 * <p>Limits: the table is a judgement of what is deterministic. A refusal that every order meets (a
 * constraint added that no order satisfies) dead-letters every order, one transaction each; they stay
 * replayable from {@code orders.dlq}. Anything unknown counts as an outage, which loses nothing.
 */
final class Refusals {

    private Refusals() {}

    /** The failure as a {@link RefusedByDatabaseException} when it is a refusal, else unchanged. */
    static RuntimeException classify(RuntimeException failure) {
        SQLException sql = sqlException(failure);
        if (sql != null) {
            return isRefusal(sql.getSQLState())
                    ? new RefusedByDatabaseException(sql.getSQLState(), firstLine(sql.getMessage()), failure)
                    : failure;
        }
        return failure;
    }

    static boolean isRefusal(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) {
            return false;
        }
        return switch (sqlState.substring(0, 2)) {
            case "22", "54" -> true;
            case "23" -> !sqlState.equals("23505");
            default -> false;
        };
    }

    private static SQLException sqlException(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
