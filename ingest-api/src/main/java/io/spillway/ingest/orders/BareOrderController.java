package io.spillway.ingest.orders;

import io.spillway.ingest.metrics.IngestMetrics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The benchmark's baseline, only with the {@code bench} profile and never in production: the same
 * request handling as {@code POST /api/v1/orders} (reading, rules, rate limits, sale view, key
 * check, token, 202 body) without the Kafka send, so that the two endpoints measured in one run
 * show what the send costs. See docs/benchmarks/ingest.md.
 */
@RestController
@Profile("bench")
class BareOrderController {

    static final String PATH = "/bench/bare/orders";

    private final OrderIntake intake;
    private final IngestMetrics metrics;

    BareOrderController(OrderIntake intake, IngestMetrics metrics) {
        this.intake = intake;
        this.metrics = metrics;
    }

    @PostMapping(PATH)
    void place(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PlaceOrder order = OrderController.read(request);
        OrderController.accepted(order, intake.accept(order, request.getRemoteAddr(), false), metrics, response);
    }
}
