package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderId;
import io.spillway.contract.admission.AdmissionEvent;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.AdmissionTopics;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.contract.admission.EntryClosed;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryWaiting;
import io.spillway.contract.admission.RoomId;
import io.spillway.contract.admission.RoomProgress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Entries in admission rooms, against the real broker: the test plays the admitter by publishing
 * the contract's admission events. Beside the order tests, to share their application context.
 */
class EntryStreamsIT extends NotifierAgainstTheBroker {

    static final AdmissionTopics ADMISSION = AdmissionTopics.of(TOPICS);

    @Test
    void aWaitingEntryIsAnsweredWithItsPlaceThenItsAdmission() throws Exception {
        RoomId room = room();
        EntryId entry = EntryId.of(room, CustomerId.of("buyer-1"));
        Instant now = Instant.now();
        publish(new EntryWaiting(1, entry, room, 7L, false, now.minusSeconds(60), now));
        publish(progress(room, 2, 10, now));

        await().atMost(PATIENCE).until(() -> {
            JsonNode body = status(entry, token(entry));
            return body.get("status").asText().equals("WAITING") && body.path("queue").path("position").asLong() == 5;
        });

        publish(admitted(entry, room, 7, now.plusSeconds(1)));
        await().atMost(PATIENCE).until(() -> status(entry, token(entry)).get("status").asText().equals("ADMITTED"));
        JsonNode admitted = status(entry, token(entry));
        assertThat(admitted.path("admission").path("token").asText()).isEqualTo("header.payload.signature");
        assertThat(admitted.path("admission").path("url").asText()).isEqualTo("https://shop.example/checkout?t=x");
        assertThat(admitted.path("admission").path("expiresAt").asText()).isNotBlank();
        assertThat(admitted.path("queue").isNull() || admitted.path("queue").isMissingNode()).isTrue();
    }

    @Test
    void aStreamSendsWaitingAsTheLineMovesThenAdmittedOnceAndEnds() throws Exception {
        RoomId room = room();
        EntryId entry = EntryId.of(room, CustomerId.of("buyer-2"));
        Instant now = Instant.now();
        publish(new EntryWaiting(1, entry, room, 10L, false, now.minusSeconds(60), now));
        publish(progress(room, 0, 10, now));
        SseClient stream = open(entry, null);
        await().atMost(PATIENCE).until(() -> stream.events().stream()
                .anyMatch(e -> e.name().equals("waiting") && e.data().contains("\"position\":10")));

        publish(progress(room, 6, 10, now.plusSeconds(1)));
        await().atMost(PATIENCE).until(() -> stream.events().stream()
                .anyMatch(e -> e.name().equals("waiting") && e.data().contains("\"position\":4")));

        publish(admitted(entry, room, 10, now.plusSeconds(2)));
        await().atMost(PATIENCE).until(stream::ended);
        List<SseClient.Event> events = stream.events();
        assertThat(events.getLast().name()).isEqualTo("admitted");
        assertThat(events.stream().filter(e -> e.name().equals("admitted"))).hasSize(1);
        assertThat(events.getFirst().retry()).isNotNull();
        assertIdsIncrease(events);

        // Resuming with the terminal id: nothing more, and an EventSource stops reconnecting.
        assertThat(open(entry, events.getLast().id()).status()).isEqualTo(204);
        // A late subscriber gets the admission at once, and the stream ends.
        SseClient late = open(entry, null);
        await().atMost(PATIENCE).until(late::ended);
        assertThat(late.events()).extracting(SseClient.Event::name).containsExactly("admitted");
        assertThat(late.events().getFirst().id()).isEqualTo(events.getLast().id());
    }

    @Test
    void aClosedRoomEndsTheStreamWithClosed() throws Exception {
        RoomId room = room();
        EntryId entry = EntryId.of(room, CustomerId.of("buyer-3"));
        Instant now = Instant.now();
        publish(new EntryWaiting(1, entry, room, 3L, false, now.minusSeconds(60), now));
        SseClient stream = open(entry, null);
        await().atMost(PATIENCE).until(() -> stream.events().stream().anyMatch(e -> e.name().equals("waiting")));

        publish(new EntryClosed(1, entry, room, now.plusSeconds(1)));
        // A replayed waiting after the close changes nothing.
        publish(new EntryWaiting(1, entry, room, 3L, false, now.minusSeconds(60), now.plusSeconds(2)));

        await().atMost(PATIENCE).until(stream::ended);
        assertThat(stream.events().getLast().name()).isEqualTo("closed");
        assertThat(status(entry, token(entry)).get("status").asText()).isEqualTo("CLOSED");
    }

    @Test
    void aPrequeueEntryHasNoPlaceBeforeTheDraw() throws Exception {
        RoomId room = room();
        EntryId entry = EntryId.of(room, CustomerId.of("buyer-4"));
        Instant now = Instant.now();
        publish(new EntryWaiting(1, entry, room, null, true, now.plusSeconds(600), now));

        await().atMost(PATIENCE).until(() -> status(entry, token(entry)).path("queue").path("prequeue").asBoolean());
        JsonNode queue = status(entry, token(entry)).get("queue");
        assertThat(queue.get("position").isNull()).isTrue();
    }

    @Test
    void aWrongTokenAnUnknownEntryAndAMalformedIdAllGetTheSame404() throws Exception {
        RoomId room = room();
        EntryId entry = EntryId.of(room, CustomerId.of("buyer-5"));
        publish(new EntryWaiting(1, entry, room, 1L, false, Instant.now(), Instant.now()));
        EntryId other = EntryId.of(room, CustomerId.of("buyer-6"));

        for (URI uri : List.of(
                entryUri(entry, token(other)),
                entryUri(entry, null),
                URI.create(base() + "/api/v1/entries/not-an-id?token=" + token(entry)),
                URI.create(base() + "/api/v1/entries/" + entry + "/events?token=" + token(other)))) {
            var answer = get(uri, null);
            assertThat(answer.statusCode()).as(uri.toString()).isEqualTo(404);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        }
        // A valid token for an entry the admitter has not announced yet: waiting, no place (as an order not visible yet).
        EntryId notYet = EntryId.of(room, CustomerId.of("buyer-7"));
        JsonNode body = status(notYet, token(notYet));
        assertThat(body.get("status").asText()).isEqualTo("WAITING");
        assertThat(body.path("queue").get("position").isNull()).isTrue();
        // The bearer header works as for orders.
        assertThat(get(entryUri(entry, null), "Bearer " + token(entry)).statusCode()).isEqualTo(200);
    }

    @Test
    void anUnreadableRecordIsSkippedAndCountedAndTheViewGoesOn() throws Exception {
        RoomId room = room();
        EntryId entry = EntryId.of(room, CustomerId.of("buyer-8"));
        double before = meters.get("spillway.notifier.admissions.skipped").functionCounter().count();
        results.send(new ProducerRecord<>(ADMISSION.admissions(), entry.toString(),
                "{not json".getBytes(StandardCharsets.UTF_8))).get();
        results.send(new ProducerRecord<>(ADMISSION.admissions(), entry.toString(),
                "{\"type\":\"EntryTeleported\",\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8))).get();
        publish(new EntryWaiting(1, entry, room, 2L, false, Instant.now(), Instant.now()));

        await().atMost(PATIENCE).until(() -> status(entry, token(entry)).path("queue").path("position").asLong() == 2);
        assertThat(meters.get("spillway.notifier.admissions.skipped").functionCounter().count())
                .isGreaterThanOrEqualTo(before + 2);
    }

    private static RoomId room() {
        return RoomId.of("room-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static RoomProgress progress(RoomId room, long admittedThrough, long lineLength, Instant at) {
        return new RoomProgress(1, room, admittedThrough, lineLength, 0, 0, 600, 50, true, at);
    }

    private static EntryAdmitted admitted(EntryId entry, RoomId room, long line, Instant at) {
        return new EntryAdmitted(1, entry, room, CustomerId.of("buyer"), line, UUID.randomUUID(),
                "header.payload.signature", at.plusSeconds(600), URI.create("https://shop.example/checkout?t=x"), at);
    }

    static void publish(AdmissionEvent event) throws Exception {
        results.send(new ProducerRecord<>(ADMISSION.admissions(), event.key(), AdmissionJson.writeEvent(event))).get();
    }

    static String token(EntryId entry) {
        return TOKENS.tokenFor(new OrderId(entry.value()));
    }

    private JsonNode status(EntryId entry, String token) throws Exception {
        return json.readTree(get(entryUri(entry, token), null).body());
    }

    private SseClient open(EntryId entry, String lastEventId) throws Exception {
        SseClient stream = SseClient.open(http, eventsUri(entry), lastEventId);
        streams.add(stream);
        return stream;
    }

    private URI entryUri(EntryId entry, String token) {
        return URI.create(base() + "/api/v1/entries/" + entry + (token == null ? "" : "?token=" + token));
    }

    private URI eventsUri(EntryId entry) {
        return URI.create(base() + "/api/v1/entries/" + entry + "/events?token=" + token(entry));
    }
}
