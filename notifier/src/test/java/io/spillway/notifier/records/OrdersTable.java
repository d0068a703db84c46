package io.spillway.notifier.records;

import io.spillway.contract.CustomerId;
import io.spillway.contract.HoldEnded;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderPaid;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.SeatId;
import io.spillway.testing.SharedInfrastructure;
import io.spillway.testing.SharedInfrastructure.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * PostgreSQL's {@code orders} as order-processor has it, for the notifier's tests: a database of
 * its own with the schema module's migrations, rows written as the processor writes a decision,
 * and the read-only role that docs/notifier.md tells operators to create.
 */
public final class OrdersTable {

    private final TestDatabase owner;

    private OrdersTable(TestDatabase owner) {
        this.owner = owner;
    }

    /** A new database with the schema (Flyway, the schema module's migrations). */
    public static OrdersTable migrated() {
        TestDatabase database = SharedInfrastructure.newDatabase();
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return new OrdersTable(database);
    }

    public TestDatabase owner() {
        return owner;
    }

    /** The decision's row, as order-processor writes it in the transaction that decides the order. */
    public void insert(OrderDecision decision) throws SQLException {
        try (Connection connection = DriverManager.getConnection(owner.jdbcUrl(), owner.username(), owner.password());
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO orders (order_id, customer_id, sale_id, sku, quantity, seats, status, reason,
                                            requested_at, decided_at, hold_expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            record Row(String customer, String sale, String sku, List<SeatId> seats, String status, String reason,
                    java.time.Instant requestedAt) {}
            Row row = switch (decision) {
                case OrderConfirmed c -> new Row(c.customerId().value(), c.saleId().value(), c.sku().value(), c.seats(),
                        "CONFIRMED", null, c.requestedAt());
                case OrderRejected r -> new Row(r.customerId().value(), r.saleId().value(), r.sku().value(), r.seatIds(),
                        "REJECTED", r.reason().name(), r.requestedAt());
            };
            insert.setObject(1, decision.orderId().value());
            insert.setString(2, row.customer());
            insert.setString(3, row.sale());
            insert.setString(4, row.sku());
            insert.setInt(5, decision.quantity());
            insert.setArray(6, connection.createArrayOf("text", row.seats().stream().map(SeatId::value).toArray()));
            insert.setString(7, row.status());
            insert.setString(8, row.reason());
            insert.setTimestamp(9, Timestamp.from(row.requestedAt()));
            insert.setTimestamp(10, Timestamp.from(decision.decidedAt()));
            insert.setTimestamp(11, decision instanceof OrderConfirmed c && c.held() ? Timestamp.from(c.holdExpiresAt()) : null);
            insert.executeUpdate();
        }
    }

    /**
     * The row of an order whose hold ended (or that was cancelled while queued), as order-processor
     * leaves it: the decision's columns, then {@code status}, {@code ended_at} and, when paid,
     * {@code payment_ref}. A cancel that came before its order has no item fields.
     */
    public void insert(HoldEnded ended, java.time.Instant decidedAt) throws SQLException {
        try (Connection connection = DriverManager.getConnection(owner.jdbcUrl(), owner.username(), owner.password());
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO orders (order_id, customer_id, sale_id, sku, quantity, seats, status,
                                            requested_at, decided_at, hold_expires_at, ended_at, payment_ref)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            record Row(CustomerId customer, SaleId sale, Sku sku, Integer quantity, String status,
                    java.time.Instant holdExpiresAt, String paymentRef) {}
            Row row = switch (ended) {
                case OrderPaid p -> new Row(p.customerId(), p.saleId(), p.sku(), p.quantity(), "PAID",
                        p.holdExpiresAt(), p.paymentRef());
                case OrderExpired e -> new Row(e.customerId(), e.saleId(), e.sku(), e.quantity(), "EXPIRED",
                        e.holdExpiresAt(), null);
                case OrderCancelled c -> new Row(c.customerId(), c.saleId(), c.sku(), c.quantity(), "CANCELLED",
                        c.holdExpiresAt(), null);
            };
            insert.setObject(1, ended.orderId().value());
            insert.setString(2, row.customer() == null ? null : row.customer().value());
            insert.setString(3, row.sale() == null ? null : row.sale().value());
            insert.setString(4, row.sku() == null ? null : row.sku().value());
            insert.setObject(5, row.quantity());
            insert.setArray(6, connection.createArrayOf("text", ended.seats().stream().map(SeatId::value).toArray()));
            insert.setString(7, row.status());
            insert.setTimestamp(8, row.sale() == null ? null : Timestamp.from(decidedAt.minusSeconds(1)));
            insert.setTimestamp(9, Timestamp.from(decidedAt));
            insert.setTimestamp(10, row.holdExpiresAt() == null ? null : Timestamp.from(row.holdExpiresAt()));
            insert.setTimestamp(11, Timestamp.from(ended.endedAt()));
            insert.setString(12, row.paymentRef());
            insert.executeUpdate();
        }
    }

    /**
     * A login role that may read {@code orders} and nothing else, created as docs/notifier.md says;
     * returns its credentials on this database.
     */
    public TestDatabase reader() throws SQLException {
        String role = "reader_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String database = owner.username();
        String hostPort = SharedInfrastructure.postgresHostPort();
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + hostPort + "/postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + role + "'");
        }
        try (Connection connection = DriverManager.getConnection(owner.jdbcUrl(), owner.username(), owner.password());
                Statement statement = connection.createStatement()) {
            statement.execute("GRANT CONNECT ON DATABASE " + database + " TO " + role);
            statement.execute("GRANT USAGE ON SCHEMA public TO " + role);
            statement.execute("GRANT SELECT ON orders TO " + role);
        }
        return new TestDatabase(owner.jdbcUrl(), role, role);
    }
}
