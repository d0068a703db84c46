package io.spillway.inventory.summary;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.spillway.inventory.LiveProperties;
import io.spillway.inventory.dlq.DeadLetters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Computes a sale's {@link SaleSummary}, at most once per {@link LiveProperties#summaryTtl()} per
 * sale whatever the number of consoles watching. The counts read along {@code orders_by_sale_decided}.
 *
 * <p>Read in this order: the decisions, the dead letters, then the sale's records on
 * {@code orders.requested} ({@link RequestedCounts}). Every record a decision or a dead letter
 * answers was written before it, so it is counted: undecided = records − decided − dead-lettered is
 * never short, and is exact once the count has read to the end ({@code countBehind} 0).
 *
 * <p>Limits: an order decided while the summary is read is in undecided for that summary (it was
 * undecided when the decisions were read). A record that repeats an order already decided (a door's
 * retry after a 503 that was in fact written) counts as undecided for good: rare, and the door's
 * repeats are counted by its metrics.
 */
@Component
class SaleSummaries {

    private static final Logger log = LoggerFactory.getLogger(SaleSummaries.class);

    private final JdbcTemplate jdbc;
    private final LineOffsets offsets;
    private final RequestedCounts requested;
    private final DeadLetters deadLetters;
    private final Cache<String, SaleSummary> recent;
    private final Cache<String, DrainRate> rates =
            Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(10_000).build();

    SaleSummaries(
            JdbcTemplate jdbc, LineOffsets offsets, RequestedCounts requested, DeadLetters deadLetters, LiveProperties settings) {
        this.jdbc = jdbc;
        this.offsets = offsets;
        this.requested = requested;
        this.deadLetters = deadLetters;
        this.recent = Caffeine.newBuilder().expireAfterWrite(settings.summaryTtl()).maximumSize(10_000).build();
    }

    Optional<SaleSummary> of(String saleId) {
        SaleSummary cached = recent.getIfPresent(saleId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<SaleSummary> computed = compute(saleId);
        computed.ifPresent(summary -> recent.put(saleId, summary));
        return computed;
    }

    private Optional<SaleSummary> compute(String saleId) {
        List<Integer> holdSeconds = jdbc.queryForList("SELECT hold_seconds FROM sales WHERE sale_id = ?", Integer.class, saleId);
        if (holdSeconds.isEmpty()) {
            return Optional.empty();
        }
        boolean holds = holdSeconds.getFirst() > 0;
        List<String> skus = jdbc.queryForList("SELECT sku FROM items WHERE sale_id = ?", String.class, saleId);
        Map<String, Long> byStatus = new TreeMap<>();
        Map<String, Long> rejected = new TreeMap<>();
        long[] held = new long[2]; // [confirmed with a hold still held, cancelled after a hold]
        jdbc.query("""
                SELECT status, reason, hold_expires_at IS NOT NULL AS had_hold, count(*) AS n
                FROM orders WHERE sale_id = ? GROUP BY 1, 2, 3""", rs -> {
            String status = rs.getString("status");
            long n = rs.getLong("n");
            byStatus.merge(status, n, Long::sum);
            if (status.equals("REJECTED")) {
                rejected.merge(rs.getString("reason"), n, Long::sum);
            }
            if (status.equals("CONFIRMED") && rs.getBoolean("had_hold")) {
                held[0] += n;
            }
            if (status.equals("CANCELLED") && rs.getBoolean("had_hold")) {
                held[1] += n;
            }
        }, saleId);
        long decided = byStatus.values().stream().mapToLong(Long::longValue).sum();
        long confirmed = byStatus.getOrDefault("CONFIRMED", 0L) + byStatus.getOrDefault("PAID", 0L)
                + byStatus.getOrDefault("EXPIRED", 0L) + held[1];

        // Read after the decisions: every dead letter of a decided batch is in orders.dlq by now.
        DeadLetters.Counts dead = deadLetters.countsFor(saleId);
        Instant now = Instant.now();
        Long undecided = null;
        Long countBehind = null;
        Long linesLag = null;
        Set<Integer> lines = Set.of();
        Double rate = null;
        Double eta = null;
        String kafkaError = null;
        try {
            // Counted after the decisions and dead letters were read: every record they answer is counted.
            RequestedCounts.Counted counted = requested.of(saleId);
            countBehind = counted.behind();
            // Repeats of a decided order and cancels stored before their order can make it negative for a moment.
            undecided = Math.max(0, counted.records() - decided - dead.total());
            LineOffsets.Lag lag = offsets.lag(saleId, skus);
            linesLag = lag.records();
            lines = lag.partitions();
            DrainRate drain = rates.get(saleId, id -> new DrainRate());
            drain.sample(now, lag.committed());
            OptionalDouble perSecond = drain.perSecond();
            OptionalDouble etaSeconds = drain.etaSeconds(undecided);
            rate = perSecond.isPresent() ? perSecond.getAsDouble() : null;
            eta = etaSeconds.isPresent() ? etaSeconds.getAsDouble() : null;
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            kafkaError = "the broker did not answer: " + e.getMessage();
            log.warn("summary of {} without lag: {}", saleId, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kafkaError = "interrupted";
        }
        long accepted = decided + (undecided == null ? 0 : undecided) + dead.pending();
        boolean exact = undecided != null && countBehind == 0;
        return Optional.of(new SaleSummary(saleId, now, accepted, exact, countBehind, decided, byStatus, rejected,
                confirmed, holds ? held[0] : null, holds ? byStatus.getOrDefault("PAID", 0L) : null,
                holds ? byStatus.getOrDefault("EXPIRED", 0L) : null, byStatus.getOrDefault("CANCELLED", 0L), undecided, lines,
                linesLag, rate, eta, dead, kafkaError));
    }
}
