package io.spillway.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.contract.EventJson;
import io.spillway.contract.ItemKey;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderRequested;
import io.spillway.processor.publish.DeadLetter;
import io.spillway.testing.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/**
 * Dead letters that must not be lost nor hold their partition: one the dead-letter topic refuses as
 * received, and a valid order of a newer schema, kept byte for byte so that it can be replayed.
 */
class DeadLetterEdgesIT extends RunningProcessor {

    @Test
    void aDeadLetterTooLargeForTheDeadLetterTopicGoesWithoutItsValueAndTheBatchIsDecided() throws Exception {
        ItemKey ga = stockSale("large-letter", 4, Map.of("GA", 10));
        byte[] key = ga.toString().getBytes(StandardCharsets.UTF_8);
        OrderRequested before = order(ga, "before", 1);
        OrderRequested after = order(ga, "after", 1);
        // Larger than the producer's batch.size (256 KiB), so it travels in a batch of its own: a batch of
        // several records over the topic's limit would be split again and again by kafka-clients 3.9
        // until its sender thread overflows its stack (KAFKA-8202, fixed in 4.2; docs/processor.md).
        byte[] large = ("not JSON " + "x".repeat(300_000)).getBytes(StandardCharsets.UTF_8);
        byte[] small = "not JSON either".getBytes(StandardCharsets.UTF_8);
        double withoutValue = meters.counter("spillway.processor.dead.letters.without.value").count();

        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrapServers()))) {
            limitDeadLetters(admin, true);
            try {
                raw.send(new ProducerRecord<>(TOPICS.requested(), key, EventJson.write(before))).get();
                long offset = raw.send(new ProducerRecord<>(TOPICS.requested(), key, large)).get().offset();
                raw.send(new ProducerRecord<>(TOPICS.requested(), key, small)).get();
                raw.send(new ProducerRecord<>(TOPICS.requested(), key, EventJson.write(after))).get();

                assertThat(awaitDecisions(List.of(before, after)).values()).allMatch(OrderConfirmed.class::isInstance);
                await().atMost(PATIENCE).until(() -> lettersOf(key).size() >= 2);

                List<ConsumerRecord<byte[], byte[]>> letters = lettersOf(key);
                assertThat(letters).hasSize(2);
                assertThat(letters).anySatisfy(letter -> assertDeadLetter(letter, key, small));
                assertThat(letters).anySatisfy(letter -> {
                    assertThat(letter.key()).isEqualTo(key);
                    assertThat(letter.value()).isNull();
                    assertThat(header(letter, DeadLetter.KIND)).isEqualTo("unreadable");
                    assertThat(header(letter, DeadLetter.CAUSE)).isNotBlank();
                    assertThat(header(letter, DeadLetter.TOPIC)).isEqualTo(TOPICS.requested());
                    assertThat(Long.parseLong(header(letter, DeadLetter.OFFSET))).isEqualTo(offset);
                    assertThat(header(letter, DeadLetter.VALUE_BYTES)).isEqualTo(Integer.toString(large.length));
                    assertThat(header(letter, DeadLetter.DROPPED)).contains("RecordTooLargeException");
                });
                assertThat(meters.counter("spillway.processor.dead.letters.without.value").count())
                        .isEqualTo(withoutValue + 1);
            } finally {
                limitDeadLetters(admin, false);
            }
        }
    }

    @Test
    void aValidOrderOfANewerSchemaIsDeadLetteredByteForByteWithItsHeadersForReplay() throws Exception {
        ItemKey ga = stockSale("newer-schema", 4, Map.of("GA", 10));
        byte[] key = ga.toString().getBytes(StandardCharsets.UTF_8);
        OrderRequested newer = order(ga, "upgrading", 1);
        byte[] value = RefusedOrdersIT.withField(newer, "schemaVersion", "2");
        OrderRequested after = order(ga, "after", 1);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPICS.requested(), key, value);
        record.headers().add(new RecordHeader("traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader("binary", new byte[] {0, (byte) 0xff, 7}));

        raw.send(record).get();
        send(List.of(after));

        awaitDecisions(List.of(after));
        await().atMost(PATIENCE).until(() -> !lettersOf(key).isEmpty());
        ConsumerRecord<byte[], byte[]> letter = lettersOf(key).get(0);
        assertDeadLetter(letter, key, value);
        assertThat(header(letter, DeadLetter.KIND)).isEqualTo("newer-version");
        assertThat(header(letter, DeadLetter.CAUSE)).contains("schemaVersion 2");
        // The original headers come first, in order and unchanged; the cause follows.
        Header[] headers = letter.headers().toArray();
        assertThat(headers[0].key()).isEqualTo("traceparent");
        assertThat(headers[0].value()).isEqualTo(record.headers().toArray()[0].value());
        assertThat(headers[1].key()).isEqualTo("binary");
        assertThat(headers[1].value()).isEqualTo(new byte[] {0, (byte) 0xff, 7});
        assertThat(results.of(newer.orderId())).isEmpty();
    }

    private static List<ConsumerRecord<byte[], byte[]>> lettersOf(byte[] key) {
        return deadLetters.rawRecords().stream().filter(letter -> Arrays.equals(letter.key(), key)).toList();
    }

    private static void limitDeadLetters(Admin admin, boolean limit) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPICS.dlq());
        // Below the large record, at least the producer's batch.size (262,144): see the large record above.
        ConfigEntry entry = new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "280000");
        AlterConfigOp op = new AlterConfigOp(entry, limit ? AlterConfigOp.OpType.SET : AlterConfigOp.OpType.DELETE);
        admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get(30, TimeUnit.SECONDS);
    }
}
