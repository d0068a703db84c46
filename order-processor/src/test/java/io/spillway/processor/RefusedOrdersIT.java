package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.spillway.contract.EventJson;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.processor.intake.OrderRequestListener;
import io.spillway.processor.operations.DatabaseCircuit;
import io.spillway.processor.publish.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Records that read as orders but that the database cannot take (CONTRACT.md, guarantee 6): out of
 * its range, they are dead-lettered at intake; refused by a constraint the reader does not know, they
 * are isolated from their poll and dead-lettered with the SQLState. Either way the orders around them
 * in the same partition and poll are decided, in order, and the circuit stays closed.
 */
class RefusedOrdersIT extends RunningProcessor {

    @Autowired
    DatabaseCircuit circuit;

    @Test
    void recordsTheDatabaseCannotTakeAreDeadLetteredWhileTheirNeighboursAreDecidedInOrder() throws Exception {
        ItemKey ga = stockSale("refusals", 10, Map.of("GA", 3));
        byte[] key = ga.toString().getBytes(StandardCharsets.UTF_8);
        List<OrderRequested> valid = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            valid.add(order(ga, "buyer-" + i, 1));
        }
        // Values that Jackson reads (an Instant, a number) but PostgreSQL's types refuse.
        byte[] farFuture = withField(order(ga, "far", 1), "requestedAt", "\"+300000-01-01T00:00:00Z\"");
        byte[] epochSeconds = withField(order(ga, "epoch", 1), "requestedAt", "1e13");
        byte[] hugeQuantity = withField(order(ga, "huge", 1), "quantity", "1e13");
        // Valid for the reader, refused by a constraint of the database's (SQLState 23514), twice.
        byte[] refusedFirst = EventJson.write(order(ga, "refused-by-db", 1));
        byte[] refusedLater = EventJson.write(order(ga, "refused-by-db", 1));
        List<byte[]> poll = List.of(
                EventJson.write(valid.get(0)), farFuture, refusedFirst, EventJson.write(valid.get(1)), epochSeconds,
                EventJson.write(valid.get(2)), EventJson.write(valid.get(3)), hugeQuantity, refusedLater,
                EventJson.write(valid.get(4)), EventJson.write(valid.get(5)));
        double pauses = meters.get("spillway.processor.pauses").counter().count();

        jdbc.execute("ALTER TABLE orders ADD CONSTRAINT refused_by_test CHECK (customer_id <> 'refused-by-db') NOT VALID");
        try {
            // Held back while they are sent, so that they come in one poll.
            MessageListenerContainer container = listeners.getListenerContainer(OrderRequestListener.ID);
            container.pause();
            await().atMost(PATIENCE).until(container::isContainerPaused);
            for (byte[] value : poll) {
                raw.send(new ProducerRecord<>(TOPICS.requested(), key, value));
            }
            raw.flush();
            container.resume();

            Map<OrderId, OrderDecision> decided = awaitDecisions(valid);
            await().atMost(PATIENCE).until(() -> deadLetters.rawRecords().stream()
                    .filter(letter -> java.util.Arrays.equals(letter.key(), key))
                    .count() >= 5);

            // First come, first served around the refused records: the first three take the stock.
            for (int i = 0; i < valid.size(); i++) {
                OrderDecision decision = decided.get(valid.get(i).orderId());
                if (i < 3) {
                    assertThat(decision).isInstanceOf(OrderConfirmed.class);
                } else {
                    assertThat(reasonOf(decision)).isEqualTo(RejectionReason.SOLD_OUT);
                }
            }
            List<OrderDecision> inPartitionOrder = valid.stream().map(o -> decided.get(o.orderId())).toList();
            assertThat(inPartitionOrder).isSortedAccordingTo(Comparator.comparing(OrderDecision::decidedAt));

            List<ConsumerRecord<byte[], byte[]>> letters = deadLetters.rawRecords().stream()
                    .filter(letter -> java.util.Arrays.equals(letter.key(), key))
                    .toList();
            assertThat(letters).hasSize(5);
            assertThat(letters).anySatisfy(letter -> {
                assertDeadLetter(letter, key, farFuture);
                assertThat(header(letter, DeadLetter.KIND)).isEqualTo("unreadable");
                assertThat(header(letter, DeadLetter.CAUSE)).contains("requestedAt");
            });
            assertThat(letters).anySatisfy(letter -> {
                assertDeadLetter(letter, key, epochSeconds);
                assertThat(header(letter, DeadLetter.KIND)).isEqualTo("unreadable");
                assertThat(header(letter, DeadLetter.CAUSE)).contains("requestedAt must be an ISO-8601 string");
            });
            assertThat(letters).anySatisfy(letter -> {
                assertDeadLetter(letter, key, hugeQuantity);
                assertThat(header(letter, DeadLetter.KIND)).isEqualTo("unreadable");
                assertThat(header(letter, DeadLetter.CAUSE)).contains("quantity must be a JSON integer");
            });
            for (byte[] refused : List.of(refusedFirst, refusedLater)) {
                assertThat(letters).anySatisfy(letter -> {
                    assertDeadLetter(letter, key, refused);
                    assertThat(header(letter, DeadLetter.KIND)).isEqualTo("refused");
                    assertThat(header(letter, DeadLetter.SQL_STATE)).isEqualTo("23514");
                    assertThat(header(letter, DeadLetter.CAUSE)).contains("refused_by_test");
                });
            }
        } finally {
            jdbc.execute("ALTER TABLE orders DROP CONSTRAINT IF EXISTS refused_by_test");
        }

        // No outage was seen: the circuit stayed closed and the partition keeps flowing.
        assertThat(circuit.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(circuit.paused()).isFalse();
        assertThat(meters.get("spillway.processor.pauses").counter().count()).isEqualTo(pauses);
        OrderRequested next = order(ga, "next", 1);
        send(List.of(next));
        assertThat(reasonOf(awaitDecisions(List.of(next)).get(next.orderId()))).isEqualTo(RejectionReason.SOLD_OUT);
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'refusals'")).isEqualTo(7);
    }

    /** The order's JSON with one field's value replaced by raw JSON text. */
    static byte[] withField(OrderRequested order, String field, String json) {
        String written = new String(EventJson.write(order), StandardCharsets.UTF_8);
        String replaced = written.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[^,}]*)",
                java.util.regex.Matcher.quoteReplacement("\"" + field + "\":" + json));
        assertThat(replaced).isNotEqualTo(written);
        return replaced.getBytes(StandardCharsets.UTF_8);
    }
}
