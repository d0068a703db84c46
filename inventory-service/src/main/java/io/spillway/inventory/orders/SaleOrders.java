package io.spillway.inventory.orders;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A sale's orders from the orders table, along {@code orders_by_sale_decided} (V5): keyset pages
 * newest decision first, and the whole sale streamed as CSV.
 *
 * <p>The export holds one connection in a read-only transaction for its whole length and reads
 * {@link #FETCH_SIZE} rows at a time (PostgreSQL's driver streams with a cursor only outside
 * auto-commit); memory is one fetch plus the writer's buffer, whatever the number of orders.
 *
 * <p>Limits: a status filter reads along the sale's index and skips other statuses, so a page of
 * a rare status in a large sale reads far. The export is one snapshot; orders decided while it runs
 * are not in it.
 */
@Component
class SaleOrders {

    static final Set<String> STATUSES = Set.of("CONFIRMED", "REJECTED", "PAID", "EXPIRED", "CANCELLED");
    static final int FETCH_SIZE = 2_000;
    static final String CSV_HEADER = "order_id,customer_id,sku,quantity,seats,status,reason,requested_at,decided_at,"
            + "hold_expires_at,ended_at,payment_ref\r\n";
    private static final String COLUMNS = "order_id, customer_id, sku, quantity, seats, status, reason, requested_at,"
            + " decided_at, hold_expires_at, ended_at, payment_ref";

    private final JdbcTemplate jdbc;
    private final DataSource dataSource;

    SaleOrders(JdbcTemplate jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
    }

    boolean saleExists(String saleId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM sales WHERE sale_id = ?)", Boolean.class, saleId));
    }

    /** Up to {@code limit} orders decided before {@code after} (all if null), newest first. */
    List<OrderRow> page(String saleId, String status, OrderCursor after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM orders WHERE sale_id = ?");
        List<Object> args = new ArrayList<>(List.of(saleId));
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (after != null) {
            sql.append(" AND (decided_at, order_id) < (?, ?)");
            args.add(OffsetDateTime.ofInstant(after.decidedAt(), ZoneOffset.UTC));
            args.add(after.orderId());
        }
        sql.append(" ORDER BY decided_at DESC, order_id DESC LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, n) -> row(rs), args.toArray());
    }

    /** Every order of the sale as CSV, oldest decision first; returns the number of rows written. */
    long export(String saleId, OutputStream body) throws IOException {
        Writer out = new BufferedWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8), 64 * 1024);
        out.write(CSV_HEADER);
        long rows = 0;
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM orders WHERE sale_id = ? ORDER BY decided_at, order_id",
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                statement.setFetchSize(FETCH_SIZE);
                statement.setString(1, saleId);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        writeCsv(out, row(rs));
                        rows++;
                    }
                }
            } finally {
                connection.rollback();
                connection.setReadOnly(false);
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the export of sale " + saleId + " failed after " + rows + " rows", e);
        }
        out.flush();
        return rows;
    }

    static void writeCsv(Writer out, OrderRow row) throws IOException {
        try {
            out.write(row.orderId().toString());
            out.write(',');
            Csv.field(out, row.customerId());
            out.write(',');
            Csv.field(out, row.sku());
            out.write(',');
            Csv.field(out, row.quantity() == null ? null : row.quantity().toString());
            out.write(',');
            Csv.field(out, String.join(" ", row.seats()));
            out.write(',');
            out.write(row.status());
            out.write(',');
            Csv.field(out, row.reason());
            out.write(',');
            Csv.field(out, text(row.requestedAt()));
            out.write(',');
            Csv.field(out, text(row.decidedAt()));
            out.write(',');
            Csv.field(out, text(row.holdExpiresAt()));
            out.write(',');
            Csv.field(out, text(row.endedAt()));
            out.write(',');
            Csv.field(out, row.paymentRef());
            out.write("\r\n");
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Always six fractional digits (PostgreSQL's precision), so that every row reads alike. */
    private static final DateTimeFormatter CSV_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static String text(Instant instant) {
        return instant == null ? null : CSV_TIME.format(instant);
    }

    private static OrderRow row(ResultSet rs) throws SQLException {
        Array seats = rs.getArray("seats");
        Integer quantity = rs.getObject("quantity", Integer.class);
        return new OrderRow(
                rs.getObject("order_id", UUID.class),
                rs.getString("customer_id"),
                rs.getString("sku"),
                quantity,
                seats == null ? List.of() : Arrays.asList((String[]) seats.getArray()),
                rs.getString("status"),
                rs.getString("reason"),
                instant(rs, "requested_at"),
                instant(rs, "decided_at"),
                instant(rs, "hold_expires_at"),
                instant(rs, "ended_at"),
                rs.getString("payment_ref"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
