package io.spillway.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * One buyer of Spillway, through the public API as a browser would: the order (429 and 503 retried
 * after Retry-After with the same Idempotency-Key; 409 before the sale takes orders retried after
 * its Retry-After), then its event stream to the end (reopened with Last-Event-ID if it drops), and
 * on a held confirmation pay, cancel or let the hold expire.
 */
final class SpillwayBuyer {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DECISIONS = Set.of("confirmed", "rejected");
    private static final Set<String> TERMINAL = Set.of("rejected", "paid", "expired", "cancelled");

    enum Choice { PAY, CANCEL, EXPIRE }

    private final HttpClient http;
    private final String ingest;
    private final String notifier;
    private final String paymentToken;
    private final Clock clock;
    private final Duration giveUpAfter;

    SpillwayBuyer(HttpClient http, String ingest, String notifier, String paymentToken, Clock clock, Duration giveUpAfter) {
        this.http = http;
        this.ingest = ingest;
        this.notifier = notifier;
        this.paymentToken = paymentToken;
        this.clock = clock;
        this.giveUpAfter = giveUpAfter;
    }

    /** Two in four held buyers pay, one cancels, one lets the hold expire. */
    static Choice choiceOf(int index) {
        return switch (Math.floorMod(index * 31 + 7, 4)) {
            case 0, 1 -> Choice.PAY;
            case 2 -> Choice.CANCEL;
            default -> Choice.EXPIRE;
        };
    }

    void run(Buyer buyer, String body) {
        buyer.startedAt = clock.now();
        long deadline = buyer.scheduledAt + giveUpAfter.toMillis();
        String customer = "rehearsal-buyer-" + buyer.index;
        String idempotencyKey = UUID.randomUUID().toString();
        try {
            String eventsLink = null;
            String accessToken = null;
            while (eventsLink == null) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(ingest + "/api/v1/orders"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", idempotencyKey)
                        .header("X-Customer-Id", customer)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                buyer.answered(status);
                if (status == 202) {
                    JsonNode accepted = JSON.readTree(response.body());
                    buyer.acceptedAt = clock.now();
                    buyer.orderId = accepted.get("orderId").asText();
                    accessToken = accepted.get("accessToken").asText();
                    eventsLink = accepted.get("links").get("events").asText();
                } else if (status == 409 && response.body().contains("sold-out")) {
                    buyer.decision = "REFUSED_SOLD_OUT";
                    buyer.decidedAt = clock.now();
                    return;
                } else if ((status == 429 || status == 503 || (status == 409 && response.body().contains("not-open")))
                        && clock.now() < deadline) {
                    buyer.retries++;
                    Thread.sleep(Duration.ofSeconds(Math.max(1,
                            response.headers().firstValueAsLong("Retry-After").orElse(1))));
                } else {
                    if (status == 409) {
                        buyer.decision = "REFUSED_409";
                        buyer.decidedAt = clock.now();
                    } else {
                        buyer.error = "HTTP " + status;
                    }
                    return;
                }
            }
            follow(buyer, eventsLink, accessToken, deadline);
        } catch (Exception e) {
            buyer.error = e.getClass().getSimpleName();
        } finally {
            if (buyer.streamOpenedAt >= 0 && buyer.streamClosedAt < 0) {
                buyer.streamClosedAt = clock.now();
            }
        }
    }

    private void follow(Buyer buyer, String eventsLink, String accessToken, long deadline) throws Exception {
        String lastEventId = null;
        boolean acted = false;
        buyer.streamOpenedAt = clock.now();
        while (buyer.end == null && clock.now() < deadline) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(notifier + eventsLink))
                    .timeout(Duration.ofSeconds(120)).header("Accept", "text/event-stream").GET();
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                if (response.statusCode() != 200) {
                    buyer.error = "stream HTTP " + response.statusCode();
                    return;
                }
                long connectedAt = clock.now();
                String event = null;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("id:")) {
                        lastEventId = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:") && event != null) {
                        long receivedAt = clock.now();
                        JsonNode data = JSON.readTree(line.substring(5).trim());
                        onEvent(buyer, event, data, receivedAt, connectedAt);
                        if (buyer.end != null) {
                            break;
                        }
                        if ("confirmed".equals(event) && !acted) {
                            acted = true;
                            act(buyer, eventsLink, accessToken);
                        }
                        event = null;
                    }
                }
            }
        }
        buyer.streamClosedAt = clock.now();
    }

    private void onEvent(Buyer buyer, String event, JsonNode data, long receivedAt, long connectedAt) {
        if ("queued".equals(event)) {
            JsonNode queue = data.path("queue");
            if (queue.hasNonNull("position")) {
                buyer.positions.add(queue.get("position").asLong());
            }
            if (buyer.estimatedDecisionAt < 0 && queue.hasNonNull("etaSeconds")) {
                buyer.estimatedDecisionAt = receivedAt + queue.get("etaSeconds").asLong() * 1000;
            }
            return;
        }
        if (data.hasNonNull("updatedAt")) {
            long happenedAt = clock.fromEpoch(Instant.parse(data.get("updatedAt").asText()).toEpochMilli());
            if (happenedAt >= connectedAt) { // a live event, not the state sent on (re)connecting
                buyer.deliveryLagsMillis.add(Math.max(0, receivedAt - happenedAt));
                buyer.lagEvents.add(event);
            }
        }
        if (DECISIONS.contains(event) && buyer.decidedAt < 0) {
            buyer.decidedAt = receivedAt;
            buyer.decision = data.path("status").asText(event.toUpperCase())
                    + (data.hasNonNull("reason") ? " " + data.get("reason").asText() : "");
        }
        if (TERMINAL.contains(event)) {
            buyer.end = event.toUpperCase();
            buyer.endedAt = receivedAt;
        }
    }

    /** On a held confirmation, in a thread of its own so that the stream keeps being read. */
    private void act(Buyer buyer, String eventsLink, String accessToken) {
        Choice choice = choiceOf(buyer.index);
        if (choice == Choice.EXPIRE) {
            return;
        }
        Thread.startVirtualThread(() -> {
            try {
                Thread.sleep(Duration.ofMillis(500 + Math.floorMod(buyer.index * 7919, 2000)));
                String orderPath = eventsLink.substring(0, eventsLink.indexOf("/events"));
                HttpRequest.Builder request = choice == Choice.PAY
                        ? HttpRequest.newBuilder(URI.create(ingest + orderPath + "/payment"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + paymentToken)
                                .header("Idempotency-Key", "rehearsal-pay-" + buyer.orderId)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"paymentRef\":\"rehearsal-" + buyer.orderId + "\"}"))
                        : HttpRequest.newBuilder(URI.create(ingest + orderPath + "/cancel?token=" + accessToken))
                                .POST(HttpRequest.BodyPublishers.noBody());
                for (int attempt = 0; attempt < 20; attempt++) {
                    HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 429 && response.statusCode() != 503) {
                        if (response.statusCode() != 202) {
                            buyer.error = choice + " HTTP " + response.statusCode();
                        }
                        return;
                    }
                    Thread.sleep(Duration.ofSeconds(Math.max(1, response.headers().firstValueAsLong("Retry-After").orElse(1))));
                }
            } catch (Exception e) {
                buyer.error = choice + " " + e.getClass().getSimpleName();
            }
        });
    }
}
