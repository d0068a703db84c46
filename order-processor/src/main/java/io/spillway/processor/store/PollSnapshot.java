package io.spillway.processor.store;

import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.processor.reservation.Holding;
import io.spillway.processor.reservation.ItemState;
import io.spillway.processor.reservation.SaleTerms;
import io.spillway.processor.reservation.Seat;
import java.util.Map;

/**
 * What one poll's transaction read, for every item of the poll at once, with the version of every row
 * it may write; the versions are how the writes notice another processor that wrote in between.
 *
 * @param sales the sales of the poll's items that exist
 * @param items the poll's items that exist
 * @param seats per seated item: its free seats and the seats any order of the poll names
 * @param holdings per buyer of the poll and sale who holds anything in it: a row of {@code customer_holdings}
 * @param earlier orders of the poll that were decided before
 * @param cancelledQueued orders of the poll cancelled before they arrived (the intake's rows), with
 *     when: answered {@code OrderCancelled}, never decided
 */
record PollSnapshot(
        Map<SaleId, SaleTerms> sales,
        Map<ItemKey, Versioned<ItemState>> items,
        Map<ItemKey, Map<SeatId, Versioned<Seat>>> seats,
        Map<Holding, Versioned<Integer>> holdings,
        Map<OrderId, OrderDecision> earlier,
        Map<OrderId, java.time.Instant> cancelledQueued) {

    record Versioned<T>(T value, long version) {}
}
