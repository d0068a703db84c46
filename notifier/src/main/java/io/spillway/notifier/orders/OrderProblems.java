package io.spillway.notifier.orders;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the order endpoints as {@code application/problem+json}, including for a client
 * that asked for {@code text/event-stream}: the type is set, not negotiated.
 */
@RestControllerAdvice(assignableTypes = {OrderStatusController.class, OrderEventsController.class})
class OrderProblems extends ResponseEntityExceptionHandler {

    @Override
    protected ResponseEntity<Object> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        HttpHeaders answer = new HttpHeaders();
        answer.putAll(headers);
        if (body instanceof ProblemDetail) {
            answer.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        return new ResponseEntity<>(body, answer, status);
    }
}
