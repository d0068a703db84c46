package io.spillway.processor.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class RefusalsTest {

    @ParameterizedTest
    @CsvSource({
        "22008, true",  // datetime field overflow: a time beyond timestamptz
        "22007, true",  // invalid datetime format
        "22003, true",  // numeric value out of range: beyond INTEGER
        "22001, true",  // string too long for VARCHAR(64)
        "22P02, true",  // invalid text representation
        "23514, true",  // check violation
        "23502, true",  // not null violation
        "23503, true",  // foreign key violation
        "54000, true",  // program limit exceeded
        "23505, false", // unique violation: another processor's order, a conflict
        "40001, false", // serialization failure: a conflict
        "40P01, false", // deadlock: a conflict
        "08006, false", // connection failure
        "08001, false", // cannot connect
        "53300, false", // too many connections
        "53100, false", // disk full
        "57P01, false", // admin shutdown
        "57014, false", // statement timeout
        "58030, false", // I/O error
        "25006, false", // read-only transaction: a failover
        "42P01, false", // undefined table: a deployment error, every order would fail
        "XX000, false"  // internal error
    })
    void aRefusalIsWhatTheOrdersHoldAndAnOutageIsTheDatabasesHealth(String sqlState, boolean refusal) {
        RuntimeException failure = new DataIntegrityViolationException("failed", new SQLException("ERROR: x\n  Detail: y", sqlState));

        RuntimeException classified = Refusals.classify(failure);

        if (refusal) {
            assertThat(classified).isInstanceOf(RefusedByDatabaseException.class);
            assertThat(((RefusedByDatabaseException) classified).sqlState()).isEqualTo(sqlState);
            assertThat(classified.getMessage()).isEqualTo("ERROR: x");
        } else {
            assertThat(classified).isSameAs(failure);
        }
    }

    @ParameterizedTest
    @CsvSource({"no connection", "pool closed"})
    void aFailureWithoutAnSqlStateIsAnOutage(String message) {
        RuntimeException failure = new CannotGetJdbcConnectionException(message, new SQLException(message));

        assertThat(Refusals.classify(failure)).isSameAs(failure);
        assertThat(Refusals.classify(new IllegalStateException(message))).isInstanceOf(IllegalStateException.class);
    }
}
