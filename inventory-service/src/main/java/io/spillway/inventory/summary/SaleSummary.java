package io.spillway.inventory.summary;

import io.spillway.inventory.dlq.DeadLetters;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A sale's numbers at {@code at}, from the orders table, its records on {@code orders.requested}, the
 * processor group's offsets and {@code orders.dlq} (docs/admin.md says how each is counted).
 *
 * @param accepted orders the door accepted: decided + undecided + dead letters not yet replayed or
 *     discarded
 * @param exact whether {@code accepted} and {@code undecided} are counted to the end of the topic:
 *     false while the count is still reading ({@code countBehind} records left) or the broker did not
 *     answer
 * @param countBehind records of {@code orders.requested} (all sales) not yet counted when the summary
 *     was taken; 0 once the count is up to date; null when the broker did not answer
 * @param decided orders with a decision (rows of the orders table for the sale)
 * @param byStatus decided orders by their current status
 * @param rejectedByReason rejected orders by reason
 * @param confirmed orders confirmed at their decision, whatever became of their hold since
 * @param held confirmations still held for payment; null for a sale without holds (likewise paid
 *     and expired)
 * @param undecided the sale's records on {@code orders.requested} not yet decided nor dead-lettered:
 *     records counted − decided − dead-lettered ({@link RequestedCounts}); null when the broker did
 *     not answer (then {@code kafkaError} says why)
 * @param linesLag the processor group's lag on the sale's lines, other sales' records in the same
 *     partitions included: how much the processor has to read before the sale is drained
 * @param drainRatePerSecond records of the sale's lines decided a second, over the last 10 s
 * @param drainEtaSeconds undecided / drainRatePerSecond; null while no rate is known
 */
public record SaleSummary(
        String saleId, Instant at, long accepted, boolean exact, Long countBehind, long decided, Map<String, Long> byStatus,
        Map<String, Long> rejectedByReason, long confirmed, Long held, Long paid, Long expired, long cancelled,
        Long undecided, Set<Integer> lines, Long linesLag, Double drainRatePerSecond, Double drainEtaSeconds,
        DeadLetters.Counts deadLettered, String kafkaError) {}
