package io.spillway.processor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderRequested;
import io.spillway.processor.RunningProcessor;
import io.spillway.processor.reservation.SaleDecisions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A poll whose rows another processor wrote in between fails its guarded writes and is decided
 * again from fresh state.
 */
class ConflictingWritesIT extends RunningProcessor {

    @Autowired
    DecisionStore store;

    @Autowired
    PollDecider decider;

    @Test
    void aWriteAfterAnotherProcessorWroteTheSameRowsIsAConflictAndIsDecidedAgainFromFreshState() {
        ItemKey ga = stockSale("race", 4, Map.of("GA", 10));
        OrderRequested mine = order(ga, "me", 1);
        Map<ItemKey, List<OrderRequested>> poll = Map.of(ga, List.of(mine));
        PollSnapshot snapshot = store.load(poll);
        SaleDecisions decided = PollDecider.decideOn(snapshot, poll, Instant.now());
        // Another processor takes a unit and gives "me" a first holding in between.
        jdbc.update("UPDATE items SET available = available - 1, version = version + 1 WHERE sale_id = 'race'");
        jdbc.update("INSERT INTO customer_holdings (sale_id, customer_id, quantity) VALUES ('race', 'me', 1)");

        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> store.write(snapshot, decided)))
                .isInstanceOf(ConcurrentDecisionException.class);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'race'")).isZero();

        OrderDecision decision = (OrderDecision) decider.decide(poll).get(0);

        assertThat(decision).isInstanceOf(OrderConfirmed.class);
        assertThat(count("SELECT available FROM items WHERE sale_id = 'race'")).isEqualTo(8);
        assertThat(count("SELECT quantity FROM customer_holdings WHERE sale_id = 'race'")).isEqualTo(2);
    }
}
