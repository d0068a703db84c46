package io.spillway.inventory.summary;

import io.spillway.inventory.dlq.DeadLetters;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A sale's numbers at {@code at}, from the orders table, the processor group's offsets and
 * {@code orders.dlq} (docs/admin.md says how each is counted).
 *
 * @param accepted orders the door accepted as far as the system can count them: decided + undecided
 *     + dead letters not yet replayed or discarded; an upper bound while {@code undecided} is
 * @param decided orders with a decision (rows of the orders table for the sale)
 * @param byStatus decided orders by their current status
 * @param rejectedByReason rejected orders by reason
 * @param confirmed orders confirmed at their decision, whatever became of their hold since
 * @param held confirmations still held for payment; null for a sale without holds (likewise paid
 *     and expired)
 * @param undecided the lag of the sale's lines: an upper bound, see {@link LineOffsets}; null when
 *     the broker did not answer (then {@code kafkaError} says why)
 * @param drainRatePerSecond records of the sale's lines decided a second, over the last 10 s
 * @param drainEtaSeconds undecided / drainRatePerSecond; null while no rate is known
 */
public record SaleSummary(
        String saleId, Instant at, long accepted, boolean acceptedIsUpperBound, long decided, Map<String, Long> byStatus,
        Map<String, Long> rejectedByReason, long confirmed, Long held, Long paid, Long expired, long cancelled,
        Long undecided, Set<Integer> lines, Double drainRatePerSecond, Double drainEtaSeconds,
        DeadLetters.Counts deadLettered, String kafkaError) {}
