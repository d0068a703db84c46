package io.spillway.ingest.orders;

import io.spillway.contract.OrderTokens;
import io.spillway.ingest.catalog.CatalogView;
import io.spillway.ingest.catalog.SaleBook;
import io.spillway.ingest.metrics.IngestMetrics;
import io.spillway.ingest.ratelimit.RateLimits;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The ingest benchmark's same-run baseline (ingest-api/bench/*.sh, docs/benchmarks/ingest.md):
 * {@code POST /bench/bare/orders} is the door's own controller and intake over an {@link OrderLog}
 * that keeps nothing, so that the two endpoints measured in one run show what the Kafka send costs.
 * It lives in the test sources so that it never ships: the bench scripts start the service on the
 * test classpath with the {@code bench} profile, and component scanning finds it there. In the
 * {@code orders} package because what it reuses is package-private.
 *
 * <p>Limits: it shares the real door's rate limits, sale view and key fingerprints (one instance's
 * state, as before), but has an intake of its own; its path still builds the {@code OrderRequested}
 * record and passes the intake's in-flight map, which the bare path skipped while it was a flag in
 * the intake: small next to the rest of the request (docs/benchmarks/ingest.md).
 */
@RestController
@Profile("bench")
class BareOrderController {

    static final String PATH = "/bench/bare/orders";

    /** Where the bare path's orders go: nowhere. */
    private static final OrderLog NOWHERE = order -> {};

    private final OrderController door;

    BareOrderController(
            OrderTokens tokens, CatalogView view, SaleBook book, RateLimits limits, BodyFingerprints fingerprints,
            IngestProperties settings, IngestMetrics metrics, DoorWarmup warmup) {
        OrderIntake intake = new OrderIntake(NOWHERE, tokens, Clock.systemUTC(), view::isCaughtUp, book, limits,
                fingerprints, settings);
        this.door = new OrderController(intake, metrics, warmup);
    }

    @PostMapping(PATH)
    void place(HttpServletRequest request, HttpServletResponse response) throws IOException {
        door.place(request, response);
    }
}
