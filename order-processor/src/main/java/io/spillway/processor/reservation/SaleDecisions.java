package io.spillway.processor.reservation;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderDecision;
import java.util.List;
import java.util.Map;

/**
 * What a {@link SaleLedger} decided: the answer to every order, the decisions made now, and the
 * changes to write.
 *
 * @param all the decision on every request, item by item in the order given, replays included
 * @param fresh the decisions made now (to be written and counted), in the order they were made
 * @param ledgers one per item, holding its new state and the seats it took
 * @param holdings the new holding of every buyer whose holding was raised, once, with its last value
 */
public record SaleDecisions(
        List<OrderDecision> all,
        List<OrderDecision> fresh,
        Map<ItemKey, ItemLedger> ledgers,
        Map<Holding, Integer> holdings) {}
