package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CustomerId;
import io.spillway.contract.Draw;
import io.spillway.contract.EventSerde;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.testing.SharedInfrastructure;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the processor while it decides a pre-queue in draw order, then a restart: the
 * outcome is the one the draw defines, as if nothing had happened (guarantee 8). The draw is a pure
 * function of the seed and the order ids, made once in one transaction, and each batch of the drain
 * commits its decisions with the removal of their parked rows.
 */
class OpeningCrashIT extends ProcessesUnderFaults {

    @Test
    void killNineDuringTheDrawChangesNothingInItsOutcome() throws Exception {
        Scenario scenario = scenario(SharedInfrastructure.newDatabase(), "other", 4, 10, false);
        String saleId = "opening-crash";
        Instant opensAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        byte[] seed = Draw.newSeed();
        scenario.jdbc.update("""
                INSERT INTO sales (sale_id, name, opens_at, per_customer_limit, prequeue_opens_at, opening_order, draw_seed)
                VALUES (?, 'Opening', ?, 4, ?, 'SHUFFLED', ?)""",
                saleId, Timestamp.from(opensAt), Timestamp.from(opensAt.minus(Duration.ofHours(1))), seed);
        scenario.jdbc.update("INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, 'GA', 'STOCK', 300, 300)",
                saleId);
        Random random = new Random(8);
        List<OrderRequested> prequeue = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            prequeue.add(OrderRequested.of(new OrderId(UUID.randomUUID()), CustomerId.of("c-" + i), SaleId.of(saleId),
                    Sku.of("GA"), 1 + random.nextInt(2), List.of(), opensAt.minusMillis(1 + random.nextInt(60_000))));
        }
        try (KafkaProducer<String, OrderRequested> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, scenario.bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), EventSerde.requests())) {
            List<Future<?>> acks = new ArrayList<>();
            for (OrderRequested order : prequeue) {
                acks.add(producer.send(new ProducerRecord<>(scenario.topics.requested(), order.itemKey().toString(), order)));
            }
            for (Future<?> ack : acks) {
                ack.get();
            }
        }

        // Small drain batches: the kill lands between two of the many transactions of the drain.
        Map<String, String> small = Map.of("spillway.opening.batch", "10");
        ProcessorProcess first = start(scenario, "opening-1", small);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> decided(scenario, saleId) >= 100);
        first.kill();
        int decidedAtKill = decided(scenario, saleId);
        assertThat(decidedAtKill).isLessThan(prequeue.size());
        System.out.printf("OpeningCrashIT: killed with %d of %d pre-queue orders decided%n", decidedAtKill, prequeue.size());

        start(scenario, "opening-2", small);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> scenario.results.decidedAll(prequeue));

        // The draw as anyone recomputes it, and the outcome it defines, order by order.
        List<OrderRequested> drawOrder = prequeue.stream()
                .sorted(Comparator.comparing(order -> Draw.key(seed, order.orderId())))
                .toList();
        assertThat(scenario.jdbc.queryForList("SELECT order_id::text FROM draws WHERE sale_id = ? ORDER BY place",
                String.class, saleId)).containsExactlyElementsOf(drawOrder.stream().map(o -> o.orderId().toString()).toList());
        int available = 300;
        boolean closed = false;
        for (OrderRequested order : drawOrder) {
            List<OrderDecision> published = scenario.results.of(order.orderId());
            assertThat(new HashSet<>(published)).as("every publication of %s is the same", order.orderId()).hasSize(1);
            OrderDecision decision = published.getFirst();
            if (!closed && order.quantity() <= available) {
                assertThat(decision).isInstanceOf(OrderConfirmed.class);
                available -= order.quantity();
            } else {
                closed = true;
                assertThat(decision).isInstanceOfSatisfying(OrderRejected.class,
                        rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.SOLD_OUT));
            }
        }
        assertThat(decided(scenario, saleId)).isEqualTo(prequeue.size());
        assertThat(scenario.jdbc.queryForObject("SELECT total - available FROM items WHERE sale_id = ?", Integer.class,
                saleId)).isEqualTo(300 - available);
        assertThat(scenario.jdbc.queryForObject("SELECT count(*) FROM parked_orders", Integer.class)).isZero();
        await().atMost(PATIENCE).until(() -> scenario.jdbc.queryForObject(
                "SELECT draw_revealed_at IS NOT NULL FROM sales WHERE sale_id = ?", Boolean.class, saleId));
    }

    private static int decided(Scenario scenario, String saleId) {
        Integer count = scenario.jdbc.queryForObject("SELECT count(*) FROM orders WHERE sale_id = ?", Integer.class, saleId);
        return count == null ? 0 : count;
    }
}
