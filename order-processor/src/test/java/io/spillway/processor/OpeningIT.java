package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CustomerId;
import io.spillway.contract.Draw;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderQueued;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.OrderResult;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The fair opening (CONTRACT.md, "Opening: pre-queue and draw", guarantees 4 and 8) on the real
 * broker and PostgreSQL: orders accepted before {@code opensAt} are parked, drawn and decided first,
 * in the draw order anyone can recompute from the revealed seed; later orders follow in line order.
 */
class OpeningIT extends RunningProcessor {

    private static final Random RANDOM = new Random(17);

    @Test
    void twoThousandPrequeueOrdersForFiveHundredUnitsAreDecidedInTheDrawOrderAnyoneCanRecompute() throws Exception {
        Instant opensAt = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.MICROS);
        ItemKey item = prequeueSale("draw-" + UUID.randomUUID().toString().substring(0, 8), opensAt, "SHUFFLED", 500);
        byte[] seed = jdbc.queryForObject("SELECT draw_seed FROM sales WHERE sale_id = ?", byte[].class,
                item.saleId().value());
        List<OrderRequested> prequeue = orders(item, 2_000, opensAt.minusSeconds(1));
        List<OrderRequested> later = orders(item, 100, opensAt.plusMillis(1));
        send(prequeue);
        send(later);

        // Before the opening nothing is decided: every pre-queue order waits, told it is in the pre-queue.
        await().atMost(PATIENCE).until(() -> count("SELECT count(*) FROM parked_orders WHERE sale_id = '"
                + item.saleId().value() + "'") == 2_100);
        await().atMost(PATIENCE).until(() -> results.resultsOf(prequeue.get(0).orderId()).stream()
                .anyMatch(result -> result instanceof OrderQueued queued && queued.prequeue()
                        && queued.drawPosition() == null));

        List<OrderRequested> all = new ArrayList<>(prequeue);
        all.addAll(later);
        Map<OrderId, OrderDecision> decided = awaitDecisions(all);
        // Nothing was decided before every order accepted before the opening could have reached the line.
        assertThat(all).allSatisfy(order -> assertThat(decidedAt(order.orderId()))
                .isAfterOrEqualTo(opensAt.plus(new OpeningProperties(Duration.ofSeconds(2), Duration.ofMillis(500), 2_000).settle())));

        // The draw as recomputed from the seed: ascending HMAC-SHA256(seed, orderId).
        List<OrderRequested> drawOrder = prequeue.stream()
                .sorted(Comparator.comparing(order -> Draw.key(seed, order.orderId())))
                .toList();
        List<String> stored = jdbc.queryForList(
                "SELECT order_id::text FROM draws WHERE sale_id = ? AND sku = ? ORDER BY place", String.class,
                item.saleId().value(), item.sku().value());
        assertThat(stored).containsExactlyElementsOf(drawOrder.stream().map(o -> o.orderId().toString()).toList());
        List<String> storedKeys = jdbc.queryForList(
                "SELECT encode(draw_key, 'hex') FROM draws WHERE sale_id = ? ORDER BY place", String.class,
                item.saleId().value());
        assertThat(storedKeys).isSorted()
                .containsExactlyElementsOf(drawOrder.stream().map(o -> Draw.key(seed, o.orderId())).toList());

        // Decided exactly as the ledger decides a line that is the draw, then the later orders.
        List<OrderRequested> line = new ArrayList<>(drawOrder);
        line.addAll(later);
        int available = 500;
        boolean closed = false;
        for (OrderRequested order : line) {
            OrderDecision decision = decided.get(order.orderId());
            if (!closed && order.quantity() <= available) {
                assertThat(decision).as("order at %d of the line", line.indexOf(order)).isInstanceOf(OrderConfirmed.class);
                available -= order.quantity();
            } else {
                closed = true;
                assertThat(reasonOf(decision)).isEqualTo(RejectionReason.SOLD_OUT);
            }
        }
        // Guarantee 4 along the draw: no SOLD_OUT ahead of a confirmation of the same or a smaller quantity.
        assertFirstComeFirstServed(line, decided);
        // Decided in that order: decision times never go back along the line, later orders after the pre-queue.
        List<Instant> times = line.stream().map(order -> decidedAt(order.orderId())).toList();
        assertThat(times).isSorted();
        assertThat(later).allSatisfy(order -> assertThat(decided.get(order.orderId())).isInstanceOf(OrderRejected.class));

        // The commitment matches, the seed is revealed once every pre-queue order is decided.
        await().atMost(PATIENCE).until(() -> jdbc.queryForObject(
                "SELECT draw_revealed_at IS NOT NULL FROM sales WHERE sale_id = ?", Boolean.class, item.saleId().value()));
        assertThat(Draw.commitment(seed)).hasSize(64);
        assertThat(count("SELECT count(*) FROM parked_orders WHERE sale_id = '" + item.saleId().value() + "'")).isZero();

        // Every pre-queue buyer was told their place once the draw was made.
        Map<OrderId, Integer> places = new HashMap<>();
        for (int place = 0; place < drawOrder.size(); place++) {
            places.put(drawOrder.get(place).orderId(), place);
        }
        results.drain();
        assertThat(prequeue).allSatisfy(order -> assertThat(results.seen(order.orderId()))
                .anySatisfy(result -> assertThat(result).isInstanceOfSatisfying(OrderQueued.class,
                        queued -> assertThat(queued.drawPosition()).isEqualTo(places.get(order.orderId())))));

        // Arrival order and draw order are unrelated.
        double[] arrival = new double[prequeue.size()];
        double[] draw = new double[prequeue.size()];
        for (int i = 0; i < prequeue.size(); i++) {
            arrival[i] = i;
            draw[i] = places.get(prequeue.get(i).orderId());
        }
        double rho = spearman(arrival, draw);
        System.out.printf("OpeningIT: Spearman correlation of arrival and draw order over %d orders: %.4f%n",
                prequeue.size(), rho);
        assertThat(Math.abs(rho)).isLessThan(0.1);
    }

    @Test
    void fifoKeepsArrivalOrderAndLaterOrdersComeAfterTheWholePrequeue() throws Exception {
        Instant opensAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MICROS);
        ItemKey item = prequeueSale("fifo-" + UUID.randomUUID().toString().substring(0, 8), opensAt, "FIFO", 50);
        List<OrderRequested> prequeue = orders(item, 200, opensAt.minusMillis(1));
        List<OrderRequested> later = orders(item, 20, opensAt);
        // Later orders reach the line between pre-queue orders that came late (within the send timeout).
        send(prequeue.subList(0, 150));
        send(later.subList(0, 10));
        send(prequeue.subList(150, 200));
        send(later.subList(10, 20));

        List<OrderRequested> all = new ArrayList<>(prequeue);
        all.addAll(later);
        Map<OrderId, OrderDecision> decided = awaitDecisions(all);

        assertThat(jdbc.queryForList("SELECT order_id::text FROM draws WHERE sale_id = ? ORDER BY place", String.class,
                item.saleId().value())).containsExactlyElementsOf(prequeue.stream().map(o -> o.orderId().toString()).toList());
        List<OrderRequested> line = new ArrayList<>(prequeue);
        line.addAll(later);
        assertFirstComeFirstServed(line, decided);
        Instant lastOfPrequeue = prequeue.stream().map(o -> decidedAt(o.orderId())).max(Comparator.naturalOrder()).orElseThrow();
        assertThat(later).allSatisfy(order -> assertThat(decidedAt(order.orderId())).isAfterOrEqualTo(lastOfPrequeue));
        assertThat(line.stream().map(o -> decidedAt(o.orderId())).toList()).isSorted();

        // Once drained, the item's orders are decided as they come.
        OrderRequested afterwards = orders(item, 1, Instant.now()).get(0);
        send(List.of(afterwards));
        assertThat(reasonOf(awaitDecisions(List.of(afterwards)).get(afterwards.orderId()))).isEqualTo(RejectionReason.SOLD_OUT);
        assertThat(count("SELECT count(*) FROM parked_orders WHERE sale_id = '" + item.saleId().value() + "'")).isZero();
    }

    @Test
    void aPrequeueOfASaleWithHoldsIsHeldForPaymentAndTheDoorHearsOfEveryHold() throws Exception {
        Instant opensAt = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MICROS);
        ItemKey item = prequeueSale("held-" + UUID.randomUUID().toString().substring(0, 8), opensAt, "SHUFFLED", 3);
        jdbc.update("UPDATE sales SET hold_seconds = 600 WHERE sale_id = ?", item.saleId().value());
        List<OrderRequested> prequeue = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            prequeue.add(OrderRequested.of(new OrderId(UUID.randomUUID()), CustomerId.of("h-" + i), item.saleId(),
                    item.sku(), 1, List.of(), opensAt.minusMillis(1)));
        }
        send(prequeue);

        Map<OrderId, OrderDecision> decided = awaitDecisions(prequeue);

        List<OrderConfirmed> held = decided.values().stream()
                .filter(OrderConfirmed.class::isInstance).map(OrderConfirmed.class::cast).toList();
        assertThat(held).hasSize(3).allSatisfy(confirmed -> assertThat(confirmed.held()).isTrue());
        assertThat(jdbc.queryForObject("SELECT held FROM items WHERE sale_id = ?", Integer.class, item.saleId().value()))
                .isEqualTo(3);
        assertThat(jdbc.queryForList("SELECT DISTINCT line FROM orders WHERE sale_id = ?", Integer.class,
                item.saleId().value())).containsExactly(partitionOf(item));
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> holds =
                new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.of(
                        org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        io.spillway.testing.SharedInfrastructure.kafkaBootstrapServers()),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            org.apache.kafka.common.TopicPartition only = new org.apache.kafka.common.TopicPartition(TOPICS.holds(), 0);
            holds.assign(List.of(only));
            holds.seekToBeginning(List.of(only));
            java.util.Set<OrderId> opened = new java.util.HashSet<>();
            await().atMost(PATIENCE).until(() -> {
                holds.poll(Duration.ofMillis(100)).forEach(record ->
                        opened.add(io.spillway.contract.EventJson.readHold(record.value()).orderId()));
                return opened.containsAll(held.stream().map(OrderConfirmed::orderId).toList());
            });
        }
    }

    @Test
    void aSaleWithoutAPrequeueIsDecidedAsBefore() throws Exception {
        ItemKey item = stockSale("plain-" + UUID.randomUUID().toString().substring(0, 8), 4, Map.of("GA", 3));
        List<OrderRequested> orders = List.of(order(item, "a", 1), order(item, "b", 1), order(item, "c", 1), order(item, "d", 1));
        send(orders);

        Map<OrderId, OrderDecision> decided = awaitDecisions(orders);

        assertThat(decided.get(orders.get(3).orderId())).isInstanceOf(OrderRejected.class);
        assertThat(count("SELECT count(*) FROM parked_orders WHERE sale_id = '" + item.saleId().value() + "'")).isZero();
        assertThat(results.resultsOf(orders.get(0).orderId())).noneMatch(OrderQueued.class::isInstance);
    }

    private ItemKey prequeueSale(String saleId, Instant opensAt, String openingOrder, int stock) {
        jdbc.update("""
                INSERT INTO sales (sale_id, name, opens_at, per_customer_limit, prequeue_opens_at, opening_order, draw_seed)
                VALUES (?, ?, ?, 4, ?, ?, ?)""",
                saleId, "Sale " + saleId, Timestamp.from(opensAt), Timestamp.from(opensAt.minus(Duration.ofHours(1))),
                openingOrder, Draw.newSeed());
        jdbc.update("INSERT INTO items (sale_id, sku, kind, total, available) VALUES (?, 'GA', 'STOCK', ?, ?)",
                saleId, stock, stock);
        return new ItemKey(SaleId.of(saleId), Sku.of("GA"));
    }

    /** Orders of one or two units, each by a buyer of its own, accepted at {@code requestedAt}. */
    private static List<OrderRequested> orders(ItemKey item, int count, Instant requestedAt) {
        List<OrderRequested> orders = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            orders.add(OrderRequested.of(new OrderId(UUID.randomUUID()), CustomerId.of("c-" + UUID.randomUUID()),
                    item.saleId(), item.sku(), 1 + RANDOM.nextInt(2), List.of(), requestedAt));
        }
        return orders;
    }

    private Instant decidedAt(OrderId orderId) {
        return jdbc.queryForObject("SELECT decided_at FROM orders WHERE order_id = ?", OffsetDateTime.class,
                orderId.value()).toInstant();
    }

    private static void assertFirstComeFirstServed(List<OrderRequested> line, Map<OrderId, OrderDecision> decided) {
        int smallestSoldOut = Integer.MAX_VALUE;
        for (OrderRequested order : line) {
            OrderDecision decision = decided.get(order.orderId());
            if (decision instanceof OrderConfirmed) {
                assertThat(order.quantity()).as("confirmed after a SOLD_OUT of the same or a larger quantity")
                        .isLessThan(smallestSoldOut);
            } else if (decision instanceof OrderRejected rejected && rejected.reason() == RejectionReason.SOLD_OUT) {
                smallestSoldOut = Math.min(smallestSoldOut, order.quantity());
            }
        }
    }

    static double spearman(double[] x, double[] y) {
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = 0;
        double my = 0;
        for (int i = 0; i < rx.length; i++) {
            mx += rx[i];
            my += ry[i];
        }
        mx /= rx.length;
        my /= ry.length;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < rx.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static double[] ranks(double[] values) {
        Integer[] index = new Integer[values.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        java.util.Arrays.sort(index, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        for (int r = 0; r < index.length; r++) {
            ranks[index[r]] = r;
        }
        return ranks;
    }
}
