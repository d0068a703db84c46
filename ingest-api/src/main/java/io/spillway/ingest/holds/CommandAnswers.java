package io.spillway.ingest.holds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.JsonBuffers;
import io.spillway.contract.OrderId;
import io.spillway.ingest.ratelimit.RateDecision;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;

/**
 * The 202 bodies of the payment and cancel doors, written as bytes with their type set rather than
 * negotiated: the command is in Kafka by then, and a client's {@code Accept} header must not turn
 * that into a 406.
 */
final class CommandAnswers {

    private static final ObjectMapper BODY = JsonBuffers.mapper().build();
    private static final String ORDERS_PATH = "/api/v1/orders/";

    private CommandAnswers() {}

    /** Where the order's outcome is read, with its access token: the payment system has none of its own. */
    record Links(String status, String events) {

        static Links of(OrderId orderId, String accessToken) {
            String self = ORDERS_PATH + orderId;
            return new Links(self + "?token=" + accessToken, self + "/events?token=" + accessToken);
        }
    }

    record PaymentAccepted(String orderId, String paymentRef, Links links) {}

    record CancelAccepted(String orderId, Links links) {}

    static void accepted(Object body, RateDecision rate, HttpServletResponse response) throws IOException {
        byte[] bytes;
        try {
            bytes = BODY.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a 202 body of plain strings always serializes", e);
        }
        response.setStatus(HttpServletResponse.SC_ACCEPTED);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (rate.policyHeader() != null) {
            response.setHeader("RateLimit-Policy", rate.policyHeader());
            response.setHeader("RateLimit", rate.rateLimitHeader());
        }
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
