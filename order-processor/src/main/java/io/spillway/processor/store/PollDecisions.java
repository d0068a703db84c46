package io.spillway.processor.store;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderDecision;
import io.spillway.processor.store.PollSnapshot.Holding;
import io.spillway.processor.reservation.ItemLedger;
import java.util.List;
import java.util.Map;

/**
 * What the ledgers of one poll decided: the decision on every request (in the poll's order per item),
 * the ones made now, and the changes {@link DecisionStore#write} must make.
 *
 * @param all the decision on every request, replays included
 * @param fresh the decisions made by this poll (to be written and counted)
 * @param ledgers one per item of the poll, holding its new state and the seats it took
 * @param holdings the new holding of every buyer whose holding the poll raised (after all its items)
 */
record PollDecisions(
        List<OrderDecision> all,
        List<OrderDecision> fresh,
        Map<ItemKey, ItemLedger> ledgers,
        Map<Holding, Integer> holdings) {}
