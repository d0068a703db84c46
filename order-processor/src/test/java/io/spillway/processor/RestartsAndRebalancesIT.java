package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.CustomerId;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.Sku;
import io.spillway.processor.intake.OrderRequestListener;
import io.spillway.testing.SharedInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * A listener stopped and started, or a second processor joining and leaving the group, loses and
 * doubles nothing.
 */
class RestartsAndRebalancesIT extends RunningProcessor {

    @Test
    void aListenerStoppedAndStartedMidStreamLosesAndDuplicatesNothing() throws Exception {
        ItemKey a = stockSale("restart", 10, Map.of("A", 150, "B", 150));
        ItemKey b = new ItemKey(a.saleId(), Sku.of("B"));
        List<OrderRequested> orders = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            orders.add(order(a, "a-" + i, 1));
            orders.add(order(b, "b-" + i, 1));
        }
        MessageListenerContainer container = listeners.getListenerContainer(OrderRequestListener.ID);

        send(orders.subList(0, 200));
        await().atMost(PATIENCE).until(() -> {
            results.decidedAll(List.of());
            return orders.stream().anyMatch(o -> !results.of(o.orderId()).isEmpty());
        });
        container.stop();
        assertThat(container.isRunning()).isFalse();
        List<OrderRequested> whileStopped = orders.subList(200, 400);
        send(whileStopped);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> {
            results.decidedAll(List.of());
            return whileStopped.stream().allMatch(o -> results.of(o.orderId()).isEmpty());
        });
        container.start();
        Map<OrderId, OrderDecision> decided = awaitDecisions(orders);

        for (OrderRequested order : orders) {
            List<OrderDecision> published = results.of(order.orderId());
            assertThat(new HashSet<>(published)).as("decisions of %s", order.orderId()).hasSize(1);
        }
        assertThat(decided.values().stream().filter(OrderConfirmed.class::isInstance)).hasSize(300);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'restart'")).isEqualTo(400);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'restart' AND status = 'CONFIRMED'"))
                .isEqualTo(300);
        assertThat(count("SELECT sum(available) FROM items WHERE sale_id = 'restart'")).isZero();
        assertThat(count("SELECT sum(quantity) FROM customer_holdings WHERE sale_id = 'restart'")).isEqualTo(300);
    }

    @Test
    void aSecondProcessorJoiningAndLeavingUnderLoadKeepsEveryGuarantee() throws Exception {
        Map<String, Integer> stock = Map.of("I0", 100, "I1", 100, "I2", 100, "I3", 100);
        ItemKey first = stockSale("scale", 2, stock);
        List<ItemKey> items = stock.keySet().stream().sorted().map(sku -> new ItemKey(first.saleId(), Sku.of(sku))).toList();
        // Every buyer orders one of each item with a limit of 2: their holdings are raised from four
        // partitions, decided by whichever processor owns each at the time.
        List<OrderRequested> orders = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            for (ItemKey item : items) {
                orders.add(order(item, "buyer-" + i, 1));
            }
        }

        send(orders.subList(0, 200));
        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(ProcessorApplication.class)
                // As the e2e module starts services: defaults feeding application.yml's ${ENV:default}s.
                .properties(
                        "PORT=0",
                        "KAFKA_BOOTSTRAP_SERVERS=" + SharedInfrastructure.kafkaBootstrapServers(),
                        "SPILLWAY_DB_URL=" + DATABASE.jdbcUrl(),
                        "SPILLWAY_DB_USER=" + DATABASE.username(),
                        "SPILLWAY_DB_PASSWORD=" + DATABASE.password(),
                        "SPILLWAY_PROCESSOR_GROUP=" + GROUP,
                        "SPILLWAY_PROCESSOR_MAX_POLL_RECORDS=20",
                        "spillway.topics.requested=" + TOPICS.requested(),
                        "spillway.topics.results=" + TOPICS.results(),
                        "spillway.topics.dlq=" + TOPICS.dlq())
                .run()) {
            MessageListenerContainer joined = second.getBean(KafkaListenerEndpointRegistry.class)
                    .getListenerContainer(OrderRequestListener.ID);
            await().atMost(PATIENCE).until(() -> !joined.getAssignedPartitions().isEmpty());
            send(orders.subList(200, 400));
            // Leave while the second chunk is still being decided.
            await().atMost(PATIENCE).until(() -> results.decidedAll(orders.subList(200, 220)));
        }
        send(orders.subList(400, 600));
        Map<OrderId, OrderDecision> decided = awaitDecisions(orders);

        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'scale'")).isEqualTo(600);
        for (OrderRequested order : orders) {
            assertThat(new HashSet<>(results.of(order.orderId()))).as("decisions of %s", order.orderId()).hasSize(1);
        }
        for (ItemKey item : items) {
            List<OrderDecision> inArrivalOrder = orders.stream()
                    .filter(order -> order.itemKey().equals(item))
                    .map(order -> decided.get(order.orderId()))
                    .toList();
            long confirmed = inArrivalOrder.stream().filter(OrderConfirmed.class::isInstance).count();
            assertThat(confirmed + count("SELECT available FROM items WHERE sale_id = 'scale' AND sku = '" + item.sku() + "'"))
                    .as("confirmed plus available of %s", item)
                    .isEqualTo(100);
            int firstSoldOut = inArrivalOrder.stream()
                    .filter(decision -> decision instanceof OrderRejected rejected && rejected.reason() == RejectionReason.SOLD_OUT)
                    .findFirst()
                    .map(inArrivalOrder::indexOf)
                    .orElse(inArrivalOrder.size());
            assertThat(inArrivalOrder.subList(firstSoldOut, inArrivalOrder.size()))
                    .as("nothing confirmed after the first SOLD_OUT of %s", item)
                    .noneMatch(OrderConfirmed.class::isInstance);
        }
        Map<CustomerId, Integer> confirmedPerBuyer = new HashMap<>();
        decided.values().stream()
                .filter(OrderConfirmed.class::isInstance)
                .forEach(decision -> confirmedPerBuyer.merge(decision.customerId(), decision.quantity(), Integer::sum));
        assertThat(confirmedPerBuyer.values()).allMatch(quantity -> quantity <= 2);
        Map<CustomerId, Integer> holdings = new HashMap<>();
        jdbc.query(
                "SELECT customer_id, quantity FROM customer_holdings WHERE sale_id = 'scale'",
                (java.sql.ResultSet rs) -> {
                    holdings.put(CustomerId.of(rs.getString(1)), rs.getInt(2));
                });
        assertThat(holdings).isEqualTo(confirmedPerBuyer);
    }
}
