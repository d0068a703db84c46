package io.spillway.inventory.web;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.spillway.contract.problems.Problems;
import io.spillway.contract.problems.Violation;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as {@code application/problem+json} (RFC 9457). Spring's own exceptions and the
 * {@link org.springframework.web.ErrorResponseException}s of this service go through
 * {@link ResponseEntityExceptionHandler}; this class adds the field to unreadable JSON where Jackson
 * knows it, and a problem for anything unexpected.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // The body stopped being readable because of an answer of its own (413 from the sales body
        // limit, thrown inside the JSON reader, which wraps it): that answer, not 400.
        for (Throwable cause = ex.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof ErrorResponseException answer) {
                return handleErrorResponseException(answer, answer.getHeaders(), answer.getStatusCode(), request);
            }
        }
        List<Violation> errors = List.of();
        if (ex.getCause() instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String message = mapping instanceof UnrecognizedPropertyException ? "is not a known field" : "has the wrong type or shape";
            errors = List.of(new Violation(path(mapping), message));
        }
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "The body is not valid JSON for this request.", errors);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /**
     * A value the database refuses (out of a column's range, a constraint) that the request rules
     * let through: the request is at fault, so 400, never 500. The rules should catch it first;
     * reaching here is logged so that they can be made to.
     */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Object> refusedByTheDatabase(DataIntegrityViolationException ex, WebRequest request) {
        log.warn("the database refused a request the rules let through: {}", ex.getMostSpecificCause().toString());
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "A value is outside what can be stored.");
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
        log.error("unexpected failure", ex);
        ProblemDetail problem = Problems.untyped(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", "Something went wrong on our side.");
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
    }

    /** {@code items[1].seats[0]}, as the validation errors name fields. */
    private static String path(JsonMappingException mapping) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
