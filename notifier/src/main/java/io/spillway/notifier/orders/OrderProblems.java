package io.spillway.notifier.orders;

import io.spillway.contract.problems.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Every error of the status endpoint as {@code application/problem+json}: the type is set, not
 * negotiated. (The event-stream route writes its own, see {@link OrderEventsController}.)
 */
@RestControllerAdvice(assignableTypes = OrderStatusController.class)
class OrderProblems extends ResponseEntityExceptionHandler {

    @Override
    protected Mono<ResponseEntity<Object>> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        return Mono.just(Problems.response(body, headers, status));
    }
}
