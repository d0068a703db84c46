package io.spillway.processor.orders;

import io.spillway.contract.CustomerId;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.SeatId;
import io.spillway.processor.reservation.ItemLedger;
import io.spillway.processor.reservation.ItemState;
import io.spillway.processor.reservation.SaleTerms;
import io.spillway.processor.reservation.Seat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one item's transaction read, with the version of every row it may write; the versions are how
 * the writes notice another processor that wrote in between.
 *
 * @param sale null when the sale does not exist
 * @param item null when the item does not exist
 * @param holdings per buyer of the batch who holds anything in the sale
 * @param earlier orders of the batch that were decided before
 */
record ItemSnapshot(
        ItemKey key,
        SaleTerms sale,
        ItemState item,
        long itemVersion,
        Map<SeatId, Versioned<Seat>> seats,
        Map<CustomerId, Versioned<Integer>> holdings,
        List<OrderDecision> earlier) {

    record Versioned<T>(T value, long version) {}

    ItemLedger ledger() {
        return new ItemLedger(
                key,
                sale,
                item,
                seats.values().stream().map(Versioned::value).toList(),
                holdings.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value())),
                earlier);
    }
}
