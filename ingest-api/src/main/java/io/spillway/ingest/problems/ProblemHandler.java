package io.spillway.ingest.problems;

import io.spillway.contract.problems.Problems;
import io.spillway.ingest.metrics.IngestMetrics;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error raised while handling a request into {@code application/problem+json}: the
 * door's own {@link Refusal}s, Spring MVC's (no handler, wrong method, unreadable message, ...)
 * through {@link ResponseEntityExceptionHandler}, and anything unexpected as a 500 that says
 * nothing about the inside. Errors raised outside Spring MVC reach {@link ProblemErrorController}.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    private static final String ORDERS_PATH = "/api/v1/orders";

    private final IngestMetrics metrics;

    ProblemHandler(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    @ExceptionHandler(Refusal.class)
    ResponseEntity<ProblemDetail> refused(Refusal refusal, HttpServletRequest request) {
        RefusalKind kind = refusal.kind();
        ProblemDetail problem = Problems.of(HttpStatusCode.valueOf(kind.status()), kind.slug(), kind.title(),
                refusal.getMessage(), refusal.violations());
        HttpHeaders headers = new HttpHeaders();
        refusal.retryAfter().ifPresent(wait -> headers.set(HttpHeaders.RETRY_AFTER,
                // Retry-After takes whole seconds; rounding up never invites a retry too early.
                Long.toString((wait.toMillis() + 999) / 1000)));
        refusal.headers().forEach(headers::set);
        count(request, kind.status(), kind.reason());
        return Problems.response(problem, headers);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        ProblemDetail problem = Problems.untyped(HttpStatus.INTERNAL_SERVER_ERROR, null, "The request could not be handled.");
        count(request, 500, "unexpected");
        return Problems.response(problem, new HttpHeaders());
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, @Nullable Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, status, request);
        if (request instanceof NativeWebRequest web && web.getNativeRequest() instanceof HttpServletRequest servlet) {
            count(servlet, status.value(), "http-" + status.value());
        }
        if (response == null) {
            return null;
        }
        return Problems.response(response.getBody(), response.getHeaders(), response.getStatusCode());
    }

    private void count(HttpServletRequest request, int status, String reason) {
        String uri = request.getRequestURI();
        if (!uri.startsWith(ORDERS_PATH)) {
            return;
        }
        if (uri.startsWith(ORDERS_PATH + "/") && uri.endsWith("/payment")) {
            metrics.commandRefused("payment", status, reason);
        } else if (uri.startsWith(ORDERS_PATH + "/") && uri.endsWith("/cancel")) {
            metrics.commandRefused("cancel", status, reason);
        } else {
            metrics.refused(status, reason);
        }
    }
}
