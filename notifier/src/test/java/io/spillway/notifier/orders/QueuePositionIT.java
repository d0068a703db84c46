package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRequested;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The queue position and ETA, as the processor group commits, in the status answer and on the stream. */
class QueuePositionIT extends NotifierAgainstTheBroker {

    @Test
    void thePositionFallsAsTheProcessorGroupCommitsAndStreamsFollowIt() throws Exception {
        List<OrderRequested> line = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            OrderRequested order = request("in-line-" + i, "GA", List.of());
            line.add(order);
            offsets.add(send(TOPICS.requested(), 0, order.itemKey().toString(), order));
        }
        OrderId last = line.getLast().orderId();
        long first = offsets.getFirst();
        commit(first);

        awaitStatus(last, "QUEUED", body -> body.get("queue").get("position").asLong() == 4);
        SseClient stream = subscribe(last, null);
        await().atMost(PATIENCE).until(() -> positions(stream).contains(4L));

        commit(first + 3);

        awaitStatus(last, "QUEUED", body -> body.get("queue").get("position").asLong() == 1);
        await().atMost(PATIENCE).until(() -> positions(stream).contains(1L));
        // The line moved while it had work: its speed is known once a window holds enough busy time.
        awaitStatus(last, "QUEUED", body -> body.get("queue").get("etaSeconds").isIntegralNumber());
        JsonNode queue = json.readTree(get(statusUri(last, TOKENS.tokenFor(last)), null).body()).get("queue");
        assertThat(queue.get("confidence").asDouble()).isBetween(0.0, 1.0);

        commit(first + 10);

        awaitStatus(last, "QUEUED", body -> body.get("queue").get("position").asLong() == 0);
        await().atMost(PATIENCE).until(() -> positions(stream).contains(0L));

        // The line reaches the order: its decision ends the stream, after a position that only fell.
        send(TOPICS.results(), null, last.toString(), OrderConfirmed.of(line.getLast(), List.of(), Instant.now()));
        await().atMost(PATIENCE).until(stream::ended);
        assertThat(stream.events().getLast().name()).isEqualTo("confirmed");
        assertThat(stream.events()).filteredOn(e -> !e.name().equals("queued")).hasSize(1);
        assertThat(positions(stream)).isSortedAccordingTo((a, b) -> Long.compare(b, a)).endsWith(0L);
        assertIdsIncrease(stream.events());
        // Queued ids are their send times: no two queued events less than a second apart.
        List<Long> ids = stream.events().stream()
                .filter(e -> e.name().equals("queued")).map(e -> Long.parseLong(e.id())).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i) - ids.get(i - 1)).isGreaterThanOrEqualTo(990);
        }
    }

    private List<Long> positions(SseClient stream) throws IOException {
        List<Long> positions = new ArrayList<>();
        for (SseClient.Event event : stream.events()) {
            JsonNode queue = json.readTree(event.data()).get("queue");
            JsonNode position = queue == null ? null : queue.get("position");
            if (position != null && !position.isNull()) {
                positions.add(position.asLong());
            }
        }
        return positions;
    }

    private static void commit(long offset) throws Exception {
        admin.alterConsumerGroupOffsets(PROCESSOR_GROUP,
                        Map.of(new TopicPartition(TOPICS.requested(), 0), new OffsetAndMetadata(offset)))
                .all()
                .get();
    }
}
