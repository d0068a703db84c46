package io.spillway.ingest.rooms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.CustomerId;
import io.spillway.contract.JsonBuffers;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderTokens;
import io.spillway.contract.admission.AdmissionTokens;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryRequested;
import io.spillway.contract.admission.LeaveRequested;
import io.spillway.contract.admission.RoomId;
import io.spillway.contract.problems.Violation;
import io.spillway.ingest.catalog.CatalogView;
import io.spillway.ingest.catalog.OpeningRetry;
import io.spillway.ingest.orders.IngestProperties;
import io.spillway.ingest.orders.OrderRequestReader;
import io.spillway.ingest.orders.RequiredSecrets;
import io.spillway.ingest.problems.Refusal;
import io.spillway.ingest.problems.RefusalKind;
import io.spillway.ingest.ratelimit.RateDecision;
import io.spillway.ingest.ratelimit.RateLimits;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The room's door (CONTRACT.md, "Admission"). {@code POST /api/v1/rooms/{roomId}/entries} puts a buyer
 * in the room's line: what the request alone shows (the customer, an optional {@code Idempotency-Key},
 * an empty body), then the room view (unknown 404; not open, closed, paused 409), the caller's rate
 * limits as for an order, and only then {@code EntryRequested} on the entries topic, acknowledged by
 * every in-sync replica before the {@code 202}. The entry id is a function of room and customer, so
 * joining again answers the same entry and token, and the admitter keeps the first.
 *
 * <p>{@code POST /api/v1/rooms/{roomId}/leave} is the shop's: the admission token as bearer, checked
 * here (signature, key, expiry, room) before anything is published; a token that fails any check is
 * one answer, 401, and nothing reaches Kafka.
 *
 * <p>Limits: a leave is not rate limited: only a valid token, which Spillway signed, gets past the
 * check, and a check is one ECDSA verification.
 */
@RestController
class EntryController {

    static final String ENTRIES_PATH = "/api/v1/entries/";
    private static final ObjectMapper BODY = JsonBuffers.mapper().build();
    private static final String BEARER = "Bearer ";
    private static final String CUSTOMER_ID = "X-Customer-Id";
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final CatalogView view;
    private final RoomBook book;
    private final RateLimits limits;
    private final EntryLog entries;
    private final OrderTokens tokens;
    private final AdmissionTokens admissionTokens;
    private final Clock clock;
    private final Duration retryAfter;

    EntryController(
            CatalogView view, RoomBook book, RateLimits limits, EntryLog entries, ObjectProvider<OrderTokens> tokens,
            ObjectProvider<AdmissionTokens> admissionTokens, IngestProperties settings) {
        this.view = view;
        this.book = book;
        this.limits = limits;
        this.entries = entries;
        this.tokens = RequiredSecrets.orderTokens(tokens);
        this.admissionTokens = admissionTokens.getIfAvailable();
        this.clock = Clock.systemUTC();
        this.retryAfter = settings.retryAfter();
    }

    record Links(String status, String events) {}

    record EntryAccepted(String entryId, String roomId, String status, String accessToken, Links links) {}

    record LeaveAccepted(String entryId, String roomId) {}

    @PostMapping("/api/v1/rooms/{roomId}/entries")
    void enter(@PathVariable("roomId") String path, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        CustomerId customer = readEntry(request);
        if (!RoomId.isValid(path)) {
            throw unknownRoom(path);
        }
        RoomId roomId = RoomId.of(path);
        if (!view.isCaughtUp()) {
            throw Refusal.viewNotReady(retryAfter);
        }
        if (book.check(roomId, clock.instant()) instanceof RoomVerdict.Refuse refuse) {
            throw refusal(refuse, roomId);
        }
        RateDecision rate = limits.acquire(customer.value(), roomId.value(), request.getRemoteAddr());
        if (!rate.allowed()) {
            throw Refusal.rateLimited(rate);
        }
        EntryRequested entry = EntryRequested.of(roomId, customer, clock.instant());
        entries.append(entry);
        String accessToken = tokenFor(entry.entryId());
        String self = ENTRIES_PATH + entry.entryId();
        response.setHeader(HttpHeaders.LOCATION, self);
        accepted(new EntryAccepted(entry.entryId().toString(), roomId.value(), "WAITING", accessToken,
                // The token is URL-safe base64 without padding: no escaping in a query.
                new Links(self + "?token=" + accessToken, self + "/events?token=" + accessToken)), rate, response);
    }

    @PostMapping("/api/v1/rooms/{roomId}/leave")
    void leave(@PathVariable("roomId") String path, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (admissionTokens == null) {
            throw new Refusal(RefusalKind.ADMISSION_NOT_CONFIGURED, "This door has no admission keys "
                    + "(spillway.admission.keys); nothing was changed.", List.of(), null);
        }
        String token = bearer(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null || !RoomId.isValid(path)) {
            throw badToken();
        }
        RoomId roomId = RoomId.of(path);
        AdmissionTokens.Check check = admissionTokens.verify(token, roomId, clock.instant());
        if (!check.valid()) {
            throw badToken();
        }
        EntryId entryId = check.claims().entryId();
        entries.append(new LeaveRequested(LeaveRequested.SCHEMA_VERSION, entryId, roomId, check.claims().jti(),
                clock.instant()));
        accepted(new LeaveAccepted(entryId.toString(), roomId.value()), null, response);
    }

    /**
     * The entry's access token: the order tokens' HMAC of the entry id's UUID, so that the notifier
     * checks it with the secret it already has ({@code verify(new OrderId(entryId.value()), token)}).
     */
    private String tokenFor(EntryId entryId) {
        return tokens.tokenFor(new OrderId(entryId.value()));
    }

    /** The customer, checked as for an order; an {@code Idempotency-Key}, if given, checked and not needed. */
    private static CustomerId readEntry(HttpServletRequest request) throws IOException {
        List<Violation> violations = new ArrayList<>();
        List<String> customers = Collections.list(request.getHeaders(CUSTOMER_ID));
        CustomerId customer = null;
        if (customers.size() != 1) {
            violations.add(new Violation(CUSTOMER_ID, customers.isEmpty() ? "is required" : "must be given once"));
        } else if (!CustomerId.isValid(customers.getFirst())) {
            violations.add(new Violation(CUSTOMER_ID, "must be 1 to 64 of A-Z a-z 0-9 . _ : -"));
        } else {
            customer = CustomerId.of(customers.getFirst());
        }
        List<String> keys = Collections.list(request.getHeaders(IDEMPOTENCY_KEY));
        if (keys.size() > 1) {
            violations.add(new Violation(IDEMPOTENCY_KEY, "must be given once"));
        } else if (keys.size() == 1 && !OrderRequestReader.isPrintableAscii(keys.getFirst())) {
            violations.add(new Violation(IDEMPOTENCY_KEY,
                    "must be 1 to 64 printable ASCII characters (no spaces)"));
        }
        // Empty: one byte is enough to tell, and no more is read.
        if (request.getContentLengthLong() > 0 || request.getContentLengthLong() < 0 && request.getInputStream().read() >= 0) {
            violations.add(new Violation("body", "must be empty"));
        }
        if (!violations.isEmpty()) {
            throw Refusal.invalid(violations);
        }
        return customer;
    }

    private static Refusal refusal(RoomVerdict.Refuse refuse, RoomId roomId) {
        return switch (refuse.reason()) {
            case UNKNOWN -> unknownRoom(roomId.value());
            case NOT_OPEN -> new Refusal(RefusalKind.ROOM_NOT_OPEN, "The room " + roomId + " is not open yet.", List.of(),
                    OpeningRetry.spread(refuse.retryAfter()));
            case CLOSED -> new Refusal(RefusalKind.ROOM_CLOSED, "The room " + roomId + " is closed.", List.of(), null);
            case PAUSED -> new Refusal(RefusalKind.ROOM_PAUSED, "The room " + roomId + " is paused; try again later.",
                    List.of(), refuse.retryAfter());
        };
    }

    private static Refusal unknownRoom(String roomId) {
        return new Refusal(RefusalKind.UNKNOWN_ROOM, "There is no room " + roomId + ".", List.of(), null);
    }

    private static Refusal badToken() {
        return new Refusal(RefusalKind.BAD_ADMISSION_TOKEN, "Authorization: Bearer with a valid admission token for "
                + "this room is required; nothing was changed.", List.of(), null, Map.of("WWW-Authenticate", "Bearer"));
    }

    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).strip();
        return token.isEmpty() ? null : token;
    }

    private static void accepted(Object body, RateDecision rate, HttpServletResponse response) throws IOException {
        byte[] bytes;
        try {
            bytes = BODY.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a 202 body of plain strings always serializes", e);
        }
        response.setStatus(HttpServletResponse.SC_ACCEPTED);
        // In Kafka by now: a client's Accept header must not turn that into a 406.
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (rate != null && rate.policyHeader() != null) {
            response.setHeader("RateLimit-Policy", rate.policyHeader());
            response.setHeader("RateLimit", rate.rateLimitHeader());
        }
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
