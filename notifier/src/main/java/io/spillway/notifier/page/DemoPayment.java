package io.spillway.notifier.page;

import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.problems.Problems;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST /page/orders/{orderId}/demo-payment?token=…}: the local stack's payment system. The
 * buyer proves the order is theirs with its access token, as for its status; the notifier then
 * calls ingest-api's payment endpoint the way a payment system would, with the payment credential
 * it holds and an {@code Idempotency-Key} and {@code paymentRef} that are functions of the order,
 * so a double click or a retry is one payment. ingest-api's answer (202, or its problem) is passed
 * back as it is; the outcome ({@code PAID}, or a refusal) arrives on the order's event stream.
 *
 * <p>Limits: exists only when {@link DemoPaymentProperties} are set, which {@code ./spillway up}
 * does and a production deployment must not; it pays without taking any money.
 */
final class DemoPayment {

    static final String PATH = "/page/orders/{orderId}/demo-payment";

    private final OrderTokens tokens;
    private final DemoPaymentProperties settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    DemoPayment(OrderTokens tokens, DemoPaymentProperties settings) {
        this.tokens = tokens;
        this.settings = settings;
    }

    RouterFunction<ServerResponse> route() {
        return RouterFunctions.route().POST(PATH, this::pay).build();
    }

    private Mono<ServerResponse> pay(ServerRequest request) {
        OrderId orderId = OrderId.parseOrNull(request.pathVariable("orderId"));
        if (orderId == null || !tokens.verify(orderId, request.queryParam("token").orElse(null))) {
            return problem(Problems.untyped(HttpStatus.NOT_FOUND, "Order not found",
                    "No order with this id can be shown with this token."));
        }
        HttpRequest payment = HttpRequest.newBuilder(
                        URI.create(settings.ingestUrl() + "/api/v1/orders/" + orderId + "/payment"))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + settings.token())
                .header("Idempotency-Key", "demo-" + orderId)
                .header("Content-Type", MediaType.APPLICATION_JSON_VALUE)
                .POST(HttpRequest.BodyPublishers.ofString("{\"paymentRef\":\"demo-" + orderId + "\"}"))
                .build();
        return Mono.fromFuture(() -> http.sendAsync(payment, HttpResponse.BodyHandlers.ofByteArray()))
                .flatMap(answer -> ServerResponse.status(answer.statusCode())
                        .contentType(answer.headers().firstValue("Content-Type").map(MediaType::parseMediaType)
                                .orElse(MediaType.APPLICATION_JSON))
                        .bodyValue(answer.body()))
                .onErrorResume(unreachable -> problem(Problems.untyped(HttpStatus.BAD_GATEWAY, "Payment not sent",
                        "The demo payment could not reach ingest-api; try again.")));
    }

    private static Mono<ServerResponse> problem(ProblemDetail problem) {
        return ServerResponse.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(problem);
    }
}
