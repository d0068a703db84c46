package io.spillway.notifier.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderQueued;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.notifier.queue.QueueModel;
import io.spillway.notifier.status.OrderStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The status body of an order parked for its opening (CONTRACT.md, "Opening: pre-queue and draw"). */
class OpeningViewTest {

    private static final OrderId ORDER = new OrderId(UUID.randomUUID());
    private static final SaleId SALE = SaleId.of("concert");
    private static final Sku GA = Sku.of("GA");

    /** A cold-start speed of 100 orders a second, so that an ETA exists without a measured line. */
    private final OrderViews views = new OrderViews(null, new QueueModel(100, (given, actual) -> {}));

    @Test
    void aPrequeueOrderHasNoPositionBeforeTheDrawAndAnEtaCountedFromTheOpening() {
        Instant opensAt = Instant.now().plus(Duration.ofMinutes(10));
        OrderStatus parked = OrderStatus.merge(request(), queued(true, opensAt, null));

        OrderView.Queue queue = views.render(ORDER, parked).queue();

        assertThat(queue.prequeue()).isTrue();
        assertThat(queue.position()).isNull();
        assertThat(queue.etaSeconds()).isBetween(540L, 600L);
    }

    @Test
    void onceDrawnItsPlaceIsThePositionAndTheEtaAddsTheLinesTimeForThoseAhead() {
        Instant opensAt = Instant.now().minusSeconds(5);
        OrderStatus drawn = OrderStatus.merge(OrderStatus.merge(request(), queued(true, opensAt, null)),
                queued(true, opensAt, 999));

        OrderView.Queue queue = views.render(ORDER, drawn).queue();

        assertThat(queue.prequeue()).isTrue();
        assertThat(queue.position()).isEqualTo(999L);
        // 1,000 orders to decide at 100 a second, the opening already passed.
        assertThat(queue.etaSeconds()).isEqualTo(10L);
    }

    @Test
    void anOrderAfterThePrequeueWaitsWithoutAPlaceAndADecisionShowsNoQueue() {
        OrderStatus later = OrderStatus.merge(request(), queued(false, Instant.now(), null));
        assertThat(views.render(ORDER, later).queue()).isEqualTo(new OrderView.Queue(null, null, 0, false));

        OrderStatus decided = OrderStatus.merge(later, OrderStatus.of(OrderConfirmed.of(requested(), List.of(), Instant.now())));
        assertThat(views.render(ORDER, decided).queue()).isNull();
    }

    private static OrderRequested requested() {
        return OrderRequested.of(ORDER, CustomerId.of("buyer"), SALE, GA, 1, List.of(), Instant.now().minusSeconds(60));
    }

    private static OrderStatus request() {
        return OrderStatus.queued(requested(), 3, 42);
    }

    private static OrderStatus queued(boolean prequeue, Instant opensAt, Integer place) {
        return OrderStatus.of(new OrderQueued(OrderEvent.SCHEMA_VERSION, ORDER, SALE, GA, prequeue, opensAt, place, Instant.now()));
    }
}
