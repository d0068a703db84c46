package io.spillway.processor.store;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCallback;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * Several SQL statements sent to PostgreSQL as one multi-statement prepared statement, which the
 * driver sends in one round trip and answers in order: a poll's reads cost one round trip, its writes
 * another. On a busy machine a round trip costs milliseconds (every one waits for the database process
 * to be scheduled), so their number, not the statements' work, bounded a poll's time.
 *
 * <p>Each update states how many rows it must change; fewer (or more) is another writer's work in
 * between and throws {@link ConcurrentDecisionException}. An SQL error fails the whole pipeline and is
 * translated by {@link JdbcTemplate} like any other (a unique violation is a
 * {@code DuplicateKeyException}). Not thread-safe; one pipeline per use.
 */
final class StatementPipeline {

    private record Expect(int rows, String what) {}

    private final StringBuilder sql = new StringBuilder();
    private final List<Object> parameters = new ArrayList<>();
    private final List<Object> steps = new ArrayList<>();

    /** A query whose rows go to {@code rows}; {@code sql} takes {@code parameters} in order. */
    StatementPipeline query(String statement, RowCallbackHandler rows, Object... parameters) {
        add(statement, parameters);
        steps.add(rows);
        return this;
    }

    /** An insert or update that must change exactly {@code rows} rows; any number if {@code rows} is negative. */
    StatementPipeline update(String statement, int rows, String what, Object... parameters) {
        add(statement, parameters);
        steps.add(new Expect(rows, what));
        return this;
    }

    void execute(JdbcTemplate jdbc) {
        if (steps.isEmpty()) {
            return;
        }
        jdbc.execute(sql.toString(), (PreparedStatementCallback<Void>) statement -> {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            boolean resultSet = statement.execute();
            for (Object step : steps) {
                if (step instanceof RowCallbackHandler rows) {
                    if (!resultSet) {
                        throw new IllegalStateException("a query of the pipeline returned no rows: " + sql);
                    }
                    try (ResultSet rs = statement.getResultSet()) {
                        while (rs.next()) {
                            rows.processRow(rs);
                        }
                    }
                } else {
                    Expect expect = (Expect) step;
                    int changed = statement.getUpdateCount();
                    if (expect.rows() >= 0 && changed != expect.rows()) {
                        throw new ConcurrentDecisionException(expect.what() + " changed meanwhile: " + changed
                                + " rows written instead of " + expect.rows());
                    }
                }
                resultSet = statement.getMoreResults();
            }
            return null;
        });
    }

    private void add(String statement, Object[] values) {
        if (!sql.isEmpty()) {
            sql.append(";\n");
        }
        sql.append(statement);
        parameters.addAll(java.util.Arrays.asList(values));
    }
}
