package io.spillway.ingest.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.spillway.ingest.metrics.IngestMetrics;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/orders}. Takes the raw request rather than {@code @RequestBody} and
 * {@code @RequestHeader} so that the door, not Spring, decides how much of the body is read and how
 * each fault is answered.
 */
@RestController
class OrderController {

    /**
     * The 202 body is written as bytes of known length rather than through Spring's JSON converter,
     * which flushes before the length is known: Tomcat then answers chunked, in two writes to the
     * socket per order (the profile's largest single item). One shared, never reconfigured mapper.
     */
    private static final ObjectMapper BODY = JsonMapper.builder().build();

    private final OrderIntake intake;
    private final IngestMetrics metrics;

    OrderController(OrderIntake intake, IngestMetrics metrics) {
        this.intake = intake;
        this.metrics = metrics;
    }

    @PostMapping(OrderAccepted.ORDERS_PATH)
    ResponseEntity<byte[]> place(HttpServletRequest request) throws IOException {
        PlaceOrder order = read(request);
        return accepted(order, intake.accept(order, request.getRemoteAddr(), true), metrics);
    }

    /** Reads a request the way the door does; shared with the benchmark's bare endpoint. */
    static PlaceOrder read(HttpServletRequest request) throws IOException {
        JsonContentType.require(request.getContentType());
        byte[] body = BoundedBody.read(
                request.getContentLengthLong(), request.getInputStream(), OrderRequestReader.MAX_BODY_BYTES);
        return OrderRequestReader.read(
                Collections.list(request.getHeaders(OrderRequestReader.IDEMPOTENCY_KEY)),
                Collections.list(request.getHeaders(OrderRequestReader.CUSTOMER_ID)),
                body);
    }

    static ResponseEntity<byte[]> accepted(PlaceOrder order, OrderIntake.Accepted accepted, IngestMetrics metrics) {
        metrics.accepted();
        byte[] body;
        try {
            body = BODY.writeValueAsBytes(accepted.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a 202 body of plain strings always serializes", e);
        }
        // The order is in Kafka by now: a client's Accept header must not turn that into a 406, so
        // the type is set rather than negotiated.
        ResponseEntity.BodyBuilder response = ResponseEntity.accepted()
                .location(URI.create(OrderAccepted.location(order.orderId())))
                .contentType(MediaType.APPLICATION_JSON);
        if (accepted.rate().policyHeader() != null) {
            response.header("RateLimit-Policy", accepted.rate().policyHeader());
            response.header("RateLimit", accepted.rate().rateLimitHeader());
        }
        return response.contentLength(body.length).body(body);
    }
}
