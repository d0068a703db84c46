package io.spillway.ingest.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.JsonBuffers;
import io.spillway.ingest.metrics.IngestMetrics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
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
     * socket per order (the largest single item in the benchmark's profile). One shared, never
     * reconfigured mapper. It goes straight to the servlet response, not through a
     * {@code ResponseEntity}: Spring MVC's return-value handling (content negotiation, header
     * merging, converter lookup) cost a measurable share of a request's CPU for an answer whose type
     * and length are already fixed (docs/benchmarks/ingest.md, 2026-12-01).
     */
    private static final ObjectMapper BODY = JsonBuffers.mapper().build();

    private final OrderIntake intake;
    private final IngestMetrics metrics;
    private final DoorWarmup warmup;

    OrderController(OrderIntake intake, IngestMetrics metrics, DoorWarmup warmup) {
        this.intake = intake;
        this.metrics = metrics;
        this.warmup = warmup;
    }

    @PostMapping(OrderAccepted.ORDERS_PATH)
    void place(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PlaceOrder order = read(request);
        OrderIntake.Accepted warmupOrder = warmup.acceptIfWarmup(request, order);
        if (warmupOrder != null) {
            accepted(order, warmupOrder, response);
            return;
        }
        OrderIntake.Accepted accepted = intake.accept(order, request.getRemoteAddr());
        metrics.accepted();
        accepted(order, accepted, response);
    }

    private static PlaceOrder read(HttpServletRequest request) throws IOException {
        JsonContentType.require(request.getContentType());
        byte[] body = BoundedBody.read(
                request.getContentLengthLong(), request.getInputStream(), OrderRequestReader.MAX_BODY_BYTES);
        return OrderRequestReader.read(
                Collections.list(request.getHeaders(OrderRequestReader.IDEMPOTENCY_KEY)),
                Collections.list(request.getHeaders(OrderRequestReader.CUSTOMER_ID)),
                body);
    }

    private void accepted(PlaceOrder order, OrderIntake.Accepted accepted, HttpServletResponse response)
            throws IOException {
        byte[] body;
        try {
            body = BODY.writeValueAsBytes(accepted.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a 202 body of plain strings always serializes", e);
        }
        response.setStatus(HttpServletResponse.SC_ACCEPTED);
        response.setHeader(HttpHeaders.LOCATION, OrderAccepted.location(order.orderId()));
        // The order is in Kafka by now: a client's Accept header must not turn that into a 406, so
        // the type is set rather than negotiated.
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (accepted.rate().policyHeader() != null) {
            response.setHeader("RateLimit-Policy", accepted.rate().policyHeader());
            response.setHeader("RateLimit", accepted.rate().rateLimitHeader());
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
