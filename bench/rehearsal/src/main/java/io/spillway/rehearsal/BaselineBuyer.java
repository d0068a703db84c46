package io.spillway.rehearsal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * One buyer of the synchronous checkout: the answer is the result. {@code 409} before the opening
 * and {@code 429}/{@code 503} are retried after Retry-After, as a Spillway buyer's are; anything
 * else that is neither a confirmation nor a refusal (a {@code 500} after the lock retries ran out, a
 * timeout) is an error the buyer sees.
 */
final class BaselineBuyer {

    private final HttpClient http;
    private final String checkout;
    private final Clock clock;
    private final Duration giveUpAfter;

    BaselineBuyer(HttpClient http, String checkout, Clock clock, Duration giveUpAfter) {
        this.http = http;
        this.checkout = checkout;
        this.clock = clock;
        this.giveUpAfter = giveUpAfter;
    }

    void run(Buyer buyer, String body) {
        buyer.startedAt = clock.now();
        long deadline = buyer.scheduledAt + giveUpAfter.toMillis();
        String idempotencyKey = UUID.randomUUID().toString();
        try {
            while (true) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(checkout + "/checkout"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", idempotencyKey)
                        .header("X-Customer-Id", "rehearsal-buyer-" + buyer.index)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                buyer.answered(status);
                String outcome = status == 200 || status == 409
                        ? SpillwayBuyer.JSON.readTree(response.body()).path("status").asText() : "";
                if (status == 200 || (status == 409 && !"NOT_OPEN".equals(outcome))) {
                    buyer.acceptedAt = clock.now();
                    buyer.decidedAt = buyer.acceptedAt;
                    buyer.decision = outcome;
                    buyer.end = outcome;
                    return;
                }
                if ((status == 409 || status == 429 || status == 503) && clock.now() < deadline) {
                    buyer.retries++;
                    Thread.sleep(Duration.ofSeconds(Math.max(1,
                            response.headers().firstValueAsLong("Retry-After").orElse(1))));
                    continue;
                }
                buyer.error = "HTTP " + status;
                return;
            }
        } catch (Exception e) {
            buyer.error = e.getClass().getSimpleName();
        }
    }

}
