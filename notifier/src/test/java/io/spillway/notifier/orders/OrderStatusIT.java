package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderId;
import io.spillway.contract.SaleId;
import io.spillway.contract.OrderRequested;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/orders/{orderId}}'s answers, and who may read an order or open its streams. */
class OrderStatusIT extends NotifierAgainstTheBroker {

    @Test
    void anOrderThatIsNotVisibleYetIsQueuedNotMissing() throws Exception {
        OrderId orderId = OrderId.derive(CustomerId.of("not-yet"), SaleId.of("concert"), UUID.randomUUID().toString());

        HttpResponse<String> byQuery = get(statusUri(orderId, TOKENS.tokenFor(orderId)), null);
        HttpResponse<String> byHeader = get(statusUri(orderId, null), "Bearer " + TOKENS.tokenFor(orderId));

        for (HttpResponse<String> response : List.of(byQuery, byHeader)) {
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = json.readTree(response.body());
            assertThat(body.get("orderId").asText()).isEqualTo(orderId.toString());
            assertThat(body.get("status").asText()).isEqualTo("QUEUED");
            assertThat(body.get("queue").isObject()).isTrue();
            assertThat(body.get("reason").isNull()).isTrue();
            assertThat(fieldNames(body)).containsExactly(
                    "orderId", "status", "saleId", "sku", "quantity", "seats", "reason", "queue", "holdExpiresAt", "payment",
                    "updatedAt");
            assertThat(body.get("holdExpiresAt").isNull()).isTrue();
            assertThat(body.get("payment").isNull()).isTrue();
            assertThat(fieldNames(body.get("queue"))).containsExactly("position", "etaSeconds", "confidence", "prequeue");
        }
    }

    @Test
    void aWrongTokenAMalformedIdOrAnotherOrdersTokenAnswer404() throws Exception {
        OrderRequested order = request("someone", "GA", List.of());
        send(TOPICS.requested(), null, order.itemKey().toString(), order);
        awaitStatus(order.orderId(), "QUEUED", body -> !body.get("saleId").isNull());
        OrderId other = OrderId.derive(CustomerId.of("other"), SaleId.of("concert"), UUID.randomUUID().toString());

        List<HttpResponse<String>> refused = List.of(
                get(statusUri(order.orderId(), "wrong-token"), null),
                get(statusUri(order.orderId(), TOKENS.tokenFor(other)), null),
                get(statusUri(order.orderId(), null), "Bearer " + TOKENS.tokenFor(other)),
                get(statusUri(order.orderId(), null), null),
                get(URI.create(base() + "/api/v1/orders/not-an-order?token=" + TOKENS.tokenFor(order.orderId())), null),
                get(URI.create(eventsUri(order.orderId(), "wrong-token").toString()), null));

        for (HttpResponse<String> response : refused) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            JsonNode problem = json.readTree(response.body());
            assertThat(problem.get("status").asInt()).isEqualTo(404);
            assertThat(problem.get("title").asText()).isEqualTo("Order not found");
            assertThat(problem.has("type")).isTrue();
            assertThat(problem.has("detail")).isTrue();
        }
    }

    @Test
    void oneStreamMoreThanAnOrderMayHaveIsRefusedWith429() throws Exception {
        OrderId orderId = OrderId.derive(CustomerId.of("many-tabs"), SaleId.of("concert"), UUID.randomUUID().toString());
        for (int i = 0; i < MAX_STREAMS_PER_ORDER; i++) {
            SseClient stream = subscribe(orderId, null);
            await().atMost(PATIENCE).until(() -> !stream.events().isEmpty());
        }

        HttpResponse<String> refused = get(eventsUri(orderId, TOKENS.tokenFor(orderId)), null);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(json.readTree(refused.body()).get("status").asInt()).isEqualTo(429);
        // Another order is not held back by this one's streams.
        OrderId other = OrderId.derive(CustomerId.of("one-tab"), SaleId.of("concert"), UUID.randomUUID().toString());
        assertThat(subscribe(other, null).status()).isEqualTo(200);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
