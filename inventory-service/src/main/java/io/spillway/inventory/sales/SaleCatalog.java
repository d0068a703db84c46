package io.spillway.inventory.sales;

import io.spillway.contract.SeatId;
import io.spillway.inventory.sales.rules.NewSale.SeatedItem;
import io.spillway.inventory.sales.rules.NewSale;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.hibernate.JDBCException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates sales: the sale, its items and its seats in one transaction.
 *
 * <p>"The sale exists" is decided by the primary key of {@code sales}, not by a look first: of two
 * concurrent creations of one sale, the second insert waits for the first transaction and then
 * fails on the key. Seats go in through JDBC batches, since an item can have 100,000 of them.
 */
@Service
class SaleCatalog {

    static final int SEAT_BATCH = 1_000;
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String INSERT_SEAT = "INSERT INTO seats (sale_id, sku, seat_id, ordinal) VALUES (?, ?, ?, ?)";

    private final SaleRepository sales;
    private final JdbcTemplate jdbc;

    SaleCatalog(SaleRepository sales, JdbcTemplate jdbc) {
        this.sales = sales;
        this.jdbc = jdbc;
    }

    /** Creates the sale and answers its view; throws {@link SaleExistsException} if the id is taken. */
    @Transactional
    SaleView create(NewSale sale) {
        Sale entity = Sale.of(sale);
        try {
            // Flushed now: the seats below reference the items, and a taken id must fail here.
            sales.saveAndFlush(entity);
        } catch (DataIntegrityViolationException e) {
            if (isUniqueViolation(e)) {
                throw new SaleExistsException(sale.saleId());
            }
            throw e;
        }
        for (NewSale.NewItem item : sale.items()) {
            if (item instanceof SeatedItem seated) {
                insertSeats(sale.saleId().value(), seated);
            }
        }
        return entity.view(Instant.now());
    }

    private void insertSeats(String saleId, SeatedItem item) {
        String sku = item.sku().value();
        List<SeatId> seats = item.seats();
        List<Integer> ordinals = IntStream.range(0, seats.size()).boxed().toList();
        jdbc.batchUpdate(INSERT_SEAT, ordinals, SEAT_BATCH, (statement, ordinal) -> {
            statement.setString(1, saleId);
            statement.setString(2, sku);
            statement.setString(3, seats.get(ordinal).value());
            statement.setInt(4, ordinal);
        });
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JDBCException jdbcException && UNIQUE_VIOLATION.equals(jdbcException.getSQLState())) {
                return true;
            }
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
