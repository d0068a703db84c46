package io.spillway.processor.intake;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderResult;
import io.spillway.contract.OrderRequested;
import io.spillway.processor.operations.DatabaseCircuit;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.processor.store.PollDecider;
import io.spillway.processor.store.RefusedByDatabaseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides a poll's orders in one transaction and, when the database refuses that transaction for
 * what the orders hold, finds the order(s) at fault by splitting the poll, so that one order the
 * database will never take cannot stop its partition (CONTRACT.md, guarantee 6).
 *
 * <p>The split is a bisection in poll order: the first half is decided (and committed) before the
 * second, each half in its own transaction, and a half that is refused again is split again, down to
 * the single order, which is dead-lettered with the database's SQLState and message. Every order is so
 * decided after every order ahead of it in its partition, as in one transaction: isolating an order
 * never lets a later order of the same item pass an earlier valid one (guarantee 4). The halves
 * already committed are replayed if the poll comes again (a crash, an outage met half-way).
 *
 * <p>The normal case costs nothing more: one transaction for the poll, as before. An outage is not a
 * refusal: it fails the poll, counts for the circuit and pauses, and the poll is retried whole.
 *
 * <p>Limits: <i>k</i> refused orders in a poll of <i>n</i> cost about 2<i>k</i>·log₂<i>n</i> extra
 * transactions, each through the circuit.
 */
@Component
class IsolatingDecider {

    private static final Logger log = LoggerFactory.getLogger(IsolatingDecider.class);

    /** An order as read, with the record it came in, to dead-letter it as received. */
    record Accepted(ConsumerRecord<byte[], byte[]> record, OrderRequested request) {}

    /** The decisions, in the order their transactions committed, and the orders the database refused. */
    record Outcome(List<OrderResult> decisions, List<DeadLetter> refused) {}

    private final PollDecider decider;
    private final DatabaseCircuit database;

    IsolatingDecider(PollDecider decider, DatabaseCircuit database) {
        this.decider = decider;
        this.database = database;
    }

    Outcome decide(List<Accepted> accepted) {
        if (accepted.isEmpty()) {
            return new Outcome(List.of(), List.of());
        }
        try {
            return new Outcome(decideTogether(accepted), List.of());
        } catch (RefusedByDatabaseException refusal) {
            log.warn("the database refused a poll of {} orders ({} {}); splitting it to isolate the order(s) at fault",
                    accepted.size(), refusal.sqlState(), refusal.getMessage());
            List<OrderResult> decisions = new ArrayList<>();
            List<DeadLetter> refused = new ArrayList<>();
            isolate(accepted, refusal, decisions, refused);
            return new Outcome(decisions, refused);
        }
    }

    private void isolate(
            List<Accepted> part, RefusedByDatabaseException refusal, List<OrderResult> decisions,
            List<DeadLetter> refused) {
        if (part.size() == 1) {
            refused.add(new DeadLetter(part.get(0).record(), "refused",
                    "the database refused the order: " + refusal.getMessage(), refusal.sqlState()));
            return;
        }
        int middle = part.size() / 2;
        // In poll order: the first half is committed before the second is decided.
        for (List<Accepted> half : List.of(part.subList(0, middle), part.subList(middle, part.size()))) {
            try {
                decisions.addAll(decideTogether(half));
            } catch (RefusedByDatabaseException again) {
                isolate(half, again, decisions, refused);
            }
        }
    }

    /** One transaction through the circuit; each item's orders in the order given. */
    private List<OrderResult> decideTogether(List<Accepted> part) {
        Map<ItemKey, List<OrderRequested>> byItem = new LinkedHashMap<>();
        Map<ItemKey, Integer> lines = new HashMap<>();
        for (Accepted accepted : part) {
            byItem.computeIfAbsent(accepted.request().itemKey(), item -> new ArrayList<>()).add(accepted.request());
            lines.put(accepted.request().itemKey(), accepted.record().partition());
        }
        return database.call(() -> decider.decide(byItem, lines));
    }
}
