package io.spillway.inventory.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.contract.problems.Problems;
import io.spillway.contract.problems.Violation;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/dlq}: the dead letters, replay and discard (CONTRACT.md, "Running a sale"); admins
 * only (admin.AdminSecurity). A replay may carry {@code {"value": "<corrected record value>"}}.
 */
@RestController
class DlqController {

    private static final Set<String> STATES = Set.of("PENDING", "REPLAYED", "DISCARDED");

    private final DeadLetters letters;

    DlqController(DeadLetters letters) {
        this.letters = letters;
    }

    record Listing(List<DeadLetter> deadLetters, int total) {}

    @GetMapping("/api/v1/dlq")
    ResponseEntity<Listing> list(
            @RequestParam(required = false) String state, @RequestParam(required = false) String saleId,
            @RequestParam(required = false, defaultValue = "100") int limit) {
        String wanted = state == null || state.isEmpty() ? null : state.toUpperCase(Locale.ROOT);
        if (wanted != null && !STATES.contains(wanted)) {
            throw invalid("state", "is one of PENDING, REPLAYED, DISCARDED");
        }
        if (limit < 1 || limit > 1_000) {
            throw invalid("limit", "is a whole number from 1 to 1000");
        }
        List<DeadLetter> matching = letters.list().stream()
                .filter(letter -> wanted == null || wanted.equals(letter.state()))
                .filter(letter -> saleId == null || saleId.equals(letter.saleId()))
                .toList();
        return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                .body(new Listing(matching.subList(0, Math.min(limit, matching.size())), matching.size()));
    }

    @PostMapping("/api/v1/dlq/{id}/replay")
    ResponseEntity<DeadLetters.Replayed> replay(@PathVariable String id, @RequestBody(required = false) JsonNode body) {
        String corrected = null;
        if (body != null && !body.isNull()) {
            if (!body.isObject() || body.size() != 1 || !body.path("value").isTextual()) {
                throw invalid("value", "is the corrected record value, as a string, and the only field");
            }
            corrected = body.path("value").asText();
        }
        DlqId parsed = DlqId.parse(id).orElseThrow(() -> unknown(id));
        return ResponseEntity.ok(letters.replay(parsed, corrected).orElseThrow(() -> unknown(id)));
    }

    @PostMapping("/api/v1/dlq/{id}/discard")
    ResponseEntity<Void> discard(@PathVariable String id) {
        DlqId parsed = DlqId.parse(id).orElseThrow(() -> unknown(id));
        if (!letters.discard(parsed)) {
            throw unknown(id);
        }
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler(DeadLetters.Conflict.class)
    ResponseEntity<ProblemDetail> conflict(DeadLetters.Conflict conflict) {
        return Problems.response(Problems.of(HttpStatus.CONFLICT, "dead-letter-conflict", "Conflict", conflict.getMessage()),
                new HttpHeaders());
    }

    @ExceptionHandler(DeadLetters.BrokerUnavailable.class)
    ResponseEntity<ProblemDetail> unavailable(DeadLetters.BrokerUnavailable failure) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "5");
        return Problems.response(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "broker-unavailable", "Broker unavailable",
                "The broker did not acknowledge the replay; nothing was recorded. Try again."), headers);
    }

    private static ErrorResponseException unknown(String id) {
        return new ErrorResponseException(HttpStatus.NOT_FOUND, Problems.of(HttpStatus.NOT_FOUND, "unknown-dead-letter",
                "Unknown dead letter", "There is no dead letter " + id + "."), null);
    }

    private static ErrorResponseException invalid(String field, String message) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, Problems.of(HttpStatus.BAD_REQUEST, "invalid-request",
                "Invalid request", "A parameter is invalid.", List.of(new Violation(field, message))), null);
    }
}
