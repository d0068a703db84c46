package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderId;
import io.spillway.contract.SaleId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SeatId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The event stream: the current state, the decision once, heartbeats, resuming, both roads of a decision. */
class OrderEventsIT extends NotifierAgainstTheBroker {

    @Test
    void aQuietStreamIsKeptAliveWithComments() throws Exception {
        OrderId orderId = OrderId.derive(CustomerId.of("quiet"), SaleId.of("concert"), UUID.randomUUID().toString());

        SseClient stream = subscribe(orderId, null);

        // Nothing changes for an order that is not visible: after the first event only comments flow.
        await().atMost(PATIENCE).until(() -> stream.comments().size() >= 2);
        assertThat(stream.events()).extracting(SseClient.Event::name).containsExactly("queued");
        assertThat(stream.ended()).isFalse();
    }

    @Test
    void aSubscriberWaitingBeforeTheDecisionGetsItFromTheDirectFeedWhileTheTableIsPaused() throws Exception {
        OrderRequested order = request("direct", "VIP", List.of(SeatId.of("D-1")));
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        SseClient stream = subscribe(order.orderId(), null);
        await().atMost(PATIENCE).until(() -> stream.events().stream()
                .anyMatch(e -> e.name().equals("queued") && e.data().contains("\"saleId\":\"concert\"")));
        double directBefore = deliveries("direct");
        double tableBefore = deliveries("table");
        org.apache.kafka.streams.KafkaStreams table = context
                .getBean(org.springframework.kafka.config.StreamsBuilderFactoryBean.class).getKafkaStreams();
        OrderConfirmed decision = OrderConfirmed.of(order, order.seatIds(), Instant.now());

        // With the table's stream threads paused the decision cannot reach the table, the status
        // topic or the global store: only the direct feed can bring it.
        table.pause();
        try {
            send(TOPICS.results(), null, order.orderId().toString(), decision);

            await().atMost(PATIENCE).until(stream::ended);
            assertThat(stream.events()).filteredOn(e -> !e.name().equals("queued"))
                    .singleElement()
                    .satisfies(terminal -> {
                        assertThat(terminal.name()).isEqualTo("confirmed");
                        assertThat(terminal.data()).contains("\"seats\":[\"D-1\"]");
                        assertThat(Long.parseLong(terminal.id()))
                                .isEqualTo(EventIds.terminal(decision.decidedAt()));
                    });
            assertThat(deliveries("direct")).isEqualTo(directBefore + 1);
            assertThat(deliveries("table")).isEqualTo(tableBefore);
            // The table has not caught up: GET still answers from it.
            assertThat(json.readTree(get(statusUri(order.orderId(), TOKENS.tokenFor(order.orderId())), null).body())
                    .get("status").asText()).isEqualTo("QUEUED");
        } finally {
            table.resume();
        }

        // Once the table catches up, a late subscriber gets the same terminal event, and no stream a second one.
        awaitStatus(order.orderId(), "CONFIRMED", body -> true);
        SseClient late = subscribe(order.orderId(), null);
        await().atMost(PATIENCE).until(late::ended);
        assertThat(late.events()).extracting(SseClient.Event::id)
                .containsExactly(Long.toString(EventIds.terminal(decision.decidedAt())));
        assertThat(stream.events()).filteredOn(e -> !e.name().equals("queued")).hasSize(1);
        assertThat(deliveries("table")).isEqualTo(tableBefore);
    }

    private double deliveries(String path) {
        return meters.get("spillway.notifier.delivery.latency").tag("path", path).timer().count();
    }

    @Test
    void aSubscriberBeforeTheDecisionGetsExactlyOneTerminalEventAndTheStreamEnds() throws Exception {
        OrderRequested order = request("early-bird", "VIP", List.of(SeatId.of("A-1"), SeatId.of("A-2")));
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        SseClient stream = subscribe(order.orderId(), null);

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        // Queued with what the request said, once the table has it.
        await().atMost(PATIENCE).until(() -> stream.events().stream()
                .anyMatch(e -> e.name().equals("queued") && e.data().contains("\"saleId\":\"concert\"")));
        assertThat(stream.events().getFirst().retry()).isNotNull();

        send(TOPICS.results(), null, order.orderId().toString(),
                OrderConfirmed.of(order, order.seatIds(), Instant.now()));

        await().atMost(PATIENCE).until(stream::ended);
        List<SseClient.Event> events = stream.events();
        assertThat(events.getLast().name()).isEqualTo("confirmed");
        assertThat(events).filteredOn(e -> !e.name().equals("queued")).hasSize(1);
        assertIdsIncrease(events);
        JsonNode confirmed = json.readTree(events.getLast().data());
        assertThat(confirmed.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(confirmed.get("seats").toString()).isEqualTo("[\"A-1\",\"A-2\"]");
        assertThat(confirmed.get("queue").isNull()).isTrue();
        // The status answer says the same, once the table (two hops behind the direct feed) has it.
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                        json.readTree(get(statusUri(order.orderId(), TOKENS.tokenFor(order.orderId())), null).body()))
                .isEqualTo(confirmed));
    }

    @Test
    void aSubscriberAfterTheDecisionGetsItAtOnceAndAResumedStreamNeverRepeatsQueuedEvents() throws Exception {
        OrderRequested order = request("late-comer", "GA", List.of());
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        send(TOPICS.results(), null, order.orderId().toString(),
                OrderRejected.of(order, RejectionReason.SOLD_OUT, Instant.now()));
        awaitStatus(order.orderId(), "REJECTED", body -> body.get("reason").asText().equals("SOLD_OUT"));

        SseClient fresh = subscribe(order.orderId(), null);
        await().atMost(PATIENCE).until(fresh::ended);
        assertThat(fresh.events()).extracting(SseClient.Event::name).containsExactly("rejected");
        SseClient.Event terminal = fresh.events().getFirst();
        assertThat(json.readTree(terminal.data()).get("reason").asText()).isEqualTo("SOLD_OUT");

        // A client that had queued events and lost the connection gets the end of the story, only.
        SseClient resumed = subscribe(order.orderId(), Long.toString(System.currentTimeMillis()));
        await().atMost(PATIENCE).until(resumed::ended);
        assertThat(resumed.events()).containsExactly(terminal);

        // A client that already has the terminal event gets nothing more, and is told to stop.
        SseClient finished = subscribe(order.orderId(), terminal.id());
        await().atMost(PATIENCE).until(finished::ended);
        assertThat(finished.status()).isEqualTo(204);
        assertThat(finished.events()).isEmpty();
    }

    @Test
    void subscribersArrivingWhileTheDecisionLandsEachGetExactlyOneTerminalEvent() throws Exception {
        OrderRequested order = request("in-the-middle", "GA", List.of());
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        awaitStatus(order.orderId(), "QUEUED", body -> !body.get("saleId").isNull());

        // Streams open on one side while the decision is produced on the other, racing it.
        List<java.util.concurrent.Future<SseClient>> opening = new ArrayList<>();
        try (var racers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < MAX_STREAMS_PER_ORDER; i++) {
                opening.add(racers.submit(() -> subscribe(order.orderId(), null)));
            }
            send(TOPICS.results(), null, order.orderId().toString(),
                    OrderRejected.of(order, RejectionReason.LIMIT_EXCEEDED, Instant.now()));
        }

        for (java.util.concurrent.Future<SseClient> future : opening) {
            SseClient stream = future.get();
            await().atMost(PATIENCE).until(stream::ended);
            assertThat(stream.events()).filteredOn(e -> !e.name().equals("queued"))
                    .extracting(SseClient.Event::name).containsExactly("rejected");
            assertThat(stream.events().getLast().name()).isEqualTo("rejected");
            assertIdsIncrease(stream.events());
        }
        // A distinct id for the same decision would make a reconnecting client see it twice.
        assertThat(opening.stream().map(f -> f.resultNow().events().getLast().id()).distinct()).hasSize(1);
    }

    @Test
    void resumingMidStreamRepeatsNothingAndMissesNothing() throws Exception {
        OrderRequested order = request("reconnecting", "GA", List.of());
        send(TOPICS.requested(), 1, order.itemKey().toString(), order);
        SseClient first = subscribe(order.orderId(), null);
        await().atMost(PATIENCE).until(() -> first.events().stream().anyMatch(e -> e.data().contains("\"concert\"")));
        SseClient.Event had = first.events().getLast();
        first.close();

        SseClient resumed = subscribe(order.orderId(), had.id());
        await().atMost(PATIENCE).until(() -> !resumed.events().isEmpty());
        send(TOPICS.results(), null, order.orderId().toString(),
                OrderConfirmed.of(order, List.of(), Instant.now()));
        await().atMost(PATIENCE).until(resumed::ended);

        List<SseClient.Event> events = resumed.events();
        // Nothing the client already had: every id is past the one it presented.
        assertThat(events).allSatisfy(e -> assertThat(Long.parseLong(e.id())).isGreaterThan(Long.parseLong(had.id())));
        // The current state at once, then the end of the story, once.
        assertThat(events.getFirst().name()).isEqualTo("queued");
        assertThat(events).filteredOn(e -> !e.name().equals("queued")).extracting(SseClient.Event::name)
                .containsExactly("confirmed");
        assertIdsIncrease(events);
    }
}
