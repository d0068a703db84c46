package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CancelRequested;
import io.spillway.contract.EventJson;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderRequested;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A cancel that races its order's decision (docs/design/holds.md §1): the decision's transaction is
 * held on a row lock of its item while the intake stores the cancel and its {@code CANCELLED} row.
 * The primary key lets one of the two inserts commit: here the cancel's, so the decision fails on the
 * key, retries and replays the cancellation, and nothing is taken.
 */
class CancelRaceIT extends RunningProcessor {

    @Test
    void aCancelStoredWhileItsOrderIsBeingDecidedWinsAndTheOrderTakesNothing() {
        ItemKey item = stockSale("race-cancel", 4, Map.of("GA", 5));
        jdbc.update("UPDATE sales SET hold_seconds = 600 WHERE sale_id = 'race-cancel'");
        OrderRequested order = order(item, "rita", 1);

        transactions.executeWithoutResult(status -> {
            jdbc.queryForList("SELECT available FROM items WHERE sale_id = 'race-cancel' FOR UPDATE");
            requests.send(new ProducerRecord<>(TOPICS.requested(), item.toString(), order));
            // The poll's transaction has read the item and waits for the lock to write it.
            await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0);
            raw.send(new ProducerRecord<>(TOPICS.commands(), order.orderId().toString().getBytes(StandardCharsets.UTF_8),
                    EventJson.writeCommand(CancelRequested.of(order.orderId(), Instant.now()))));
            await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM orders WHERE status = 'CANCELLED'"
                    + " AND order_id = '" + order.orderId() + "'") == 1);
        });

        await().atMost(PATIENCE).until(() -> results.resultsOf(order.orderId()).size() >= 2);
        assertThat(results.resultsOf(order.orderId())).allSatisfy(result -> assertThat(result)
                .isInstanceOfSatisfying(OrderCancelled.class, cancelled -> assertThat(cancelled.held()).isFalse()));
        assertThat(jdbc.queryForMap("SELECT available, held FROM items WHERE sale_id = 'race-cancel'"))
                .containsEntry("available", 5).containsEntry("held", 0);
        assertThat(count("SELECT count(*) FROM customer_holdings WHERE sale_id = 'race-cancel'")).isZero();
        assertThat(jdbc.queryForObject("SELECT sale_id FROM orders WHERE order_id = ?", String.class,
                order.orderId().value())).isEqualTo("race-cancel");
        assertThat(results.of(order.orderId())).as("no confirmation, ever").isEmpty();
    }
}
