package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.EventJson;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderDecision;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import io.spillway.processor.publish.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * What goes out besides the decision: unreadable records to the dead-letter topic as received, the
 * order's trace on its decision.
 */
class DeadLettersAndTracesIT extends RunningProcessor {

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicAsReceivedAndTheOthersAreStillDecided() throws Exception {
        ItemKey ga = stockSale("poison", 4, Map.of("GA", 10));
        byte[] key = ga.toString().getBytes(StandardCharsets.UTF_8);
        OrderRequested before = order(ga, "early", 1);
        OrderRequested after = order(ga, "late", 1);
        OrderRequested misKeyed = order(ga, "lost", 1);
        byte[] notJson = "this is not JSON {".getBytes(StandardCharsets.UTF_8);
        byte[] unknownType = "{\"type\":\"OrderShipped\",\"schemaVersion\":1,\"orderId\":\"%s\"}"
                .formatted(UUID.randomUUID())
                .getBytes(StandardCharsets.UTF_8);
        byte[] misKeyedValue = EventJson.write(misKeyed);
        byte[] otherKey = "poison/OTHER".getBytes(StandardCharsets.UTF_8);

        raw.send(new ProducerRecord<>(TOPICS.requested(), key, EventJson.write(before))).get();
        raw.send(new ProducerRecord<>(TOPICS.requested(), key, notJson)).get();
        raw.send(new ProducerRecord<>(TOPICS.requested(), key, unknownType)).get();
        raw.send(new ProducerRecord<>(TOPICS.requested(), otherKey, misKeyedValue)).get();
        raw.send(new ProducerRecord<>(TOPICS.requested(), key, EventJson.write(after))).get();

        Map<OrderId, OrderDecision> decided = awaitDecisions(List.of(before, after));
        assertThat(decided.values()).allMatch(OrderConfirmed.class::isInstance);
        // This sale's letters: the other classes of the shared context dead-letter records too.
        await().atMost(PATIENCE).until(() -> lettersOf(key, otherKey).size() >= 3);

        List<ConsumerRecord<byte[], byte[]>> letters = lettersOf(key, otherKey);
        assertThat(letters).hasSize(3);
        assertThat(letters).anySatisfy(letter -> assertDeadLetter(letter, key, notJson));
        assertThat(letters).anySatisfy(letter -> assertDeadLetter(letter, key, unknownType));
        assertThat(letters).anySatisfy(letter -> {
            assertDeadLetter(letter, otherKey, misKeyedValue);
            assertThat(header(letter, DeadLetter.KIND)).isEqualTo("key-mismatch");
        });
        assertThat(results.of(misKeyed.orderId())).isEmpty();
        assertThat(count("SELECT count(*) FROM orders WHERE sale_id = 'poison'")).isEqualTo(2);
    }

    @Test
    void aDecisionCarriesTheUnsampledTraceOfItsOrderUnchanged() throws Exception {
        // Most orders come from the door with a trace that is not sampled: the decision continues it
        // with the same headers instead of spans that would not be recorded.
        ItemKey ga = stockSale("traced", 4, Map.of("GA", 5));
        OrderRequested order = order(ga, "traced", 1);
        String traceparent = "00-" + UUID.randomUUID().toString().replace("-", "") + "-b7ad6b7169203331-00";
        ProducerRecord<String, OrderRequested> record = new ProducerRecord<>(TOPICS.requested(), ga.toString(), order);
        record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        requests.send(record).get();

        awaitDecisions(List.of(order));

        ConsumerRecord<byte[], byte[]> decision = results.rawRecords().stream()
                .filter(published -> order.orderId().toString().equals(new String(published.key(), StandardCharsets.UTF_8)))
                .findFirst()
                .orElseThrow();
        assertThat(header(decision, "traceparent")).isEqualTo(traceparent);
    }

    private static List<ConsumerRecord<byte[], byte[]>> lettersOf(byte[]... keys) {
        return deadLetters.rawRecords().stream()
                .filter(letter -> java.util.Arrays.stream(keys).anyMatch(k -> java.util.Arrays.equals(k, letter.key())))
                .toList();
    }
}
