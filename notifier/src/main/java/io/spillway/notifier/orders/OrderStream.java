package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.notifier.status.OrderStatus;
import java.util.Locale;

/**
 * One client's event stream of one order: the {@link EventStream} engine with an order's story.
 * The engine holds the stream rules (pacing, heartbeats, ids, terminal once, slow clients); this
 * class says what an order's states are and how they look.
 *
 * <p>States of an order's stream: queued ({@code queued} events), then, for a sale with a hold,
 * held ({@code confirmed} with {@code holdExpiresAt}: not terminal, a change of it such as a refused
 * payment is sent again as {@code confirmed}), then terminal ({@code rejected}, {@code confirmed}
 * without a hold, {@code paid}, {@code expired}, {@code cancelled}).
 *
 * <p>Three roads bring a decision here, and this class is where they meet: the direct feed
 * ({@link DirectDecisions}, milliseconds), the order-status table's change (two Kafka Streams hops
 * later; the road for late subscribers and restarts) and the system of record ({@link Road#RECORD},
 * asked by the host when a read of the store finds nothing to end with; its decision is no
 * delivery: it was made before the stream opened). The rule is {@link OrderStatus#merge}, the
 * order's state machine: <em>only a higher rank moves it</em> (queued, held, terminal), whichever
 * road brings it, and the first of a rank wins. The same result arriving later by the other road
 * changes nothing and sends nothing; a request ({@code QUEUED}) arriving after a decision never
 * overwrites it; a repeated request keeps the first one's place.
 *
 * <p>Ids ({@link EventIds}): a held {@code confirmed} from the decision time (or a later payment
 * decision shown on it); {@code paid}, {@code expired}, {@code cancelled} from the end time; other
 * terminal events from the decision time.
 */
final class OrderStream extends EventStream<OrderId, OrderStatus> {

    /** What a stream reads from its host: the order's row in the store, and how a status looks to a client. */
    interface Views {

        /** Changes whenever a rendered queue place may have changed. */
        long queueVersion();

        /** The order's row in the local store; null while the order is not visible. */
        OrderStatus stored(OrderId orderId);

        /** @param known null while the order is not visible */
        OrderView render(OrderId orderId, OrderStatus known);

        /** The {@code data:} of an event. */
        String json(OrderView view);
    }

    /**
     * @param lastEventId the client's {@code Last-Event-ID}, {@link EventIds#NONE} without one
     * @param openedAt now, in the steps' nanosecond time
     */
    OrderStream(OrderId orderId, long lastEventId, Timings timings, Views views, long openedAt) {
        super(orderId, lastEventId, timings, new OrderStory(views), openedAt);
    }

    OrderId orderId() {
        return key();
    }

    /** An order's states, and its events: the order's state machine is {@link OrderStatus#merge}. */
    record OrderStory(Views views) implements Story<OrderId, OrderStatus> {

        @Override
        public long queueVersion() {
            return views.queueVersion();
        }

        @Override
        public OrderStatus stored(OrderId orderId) {
            return views.stored(orderId);
        }

        @Override
        public OrderStatus merge(OrderStatus current, OrderStatus update) {
            return OrderStatus.merge(current, update);
        }

        @Override
        public int rank(OrderStatus status) {
            return status.rank();
        }

        @Override
        public boolean isTerminal(OrderStatus status) {
            return status.isTerminal();
        }

        @Override
        public Frame render(OrderId orderId, OrderStatus known) {
            OrderView view = views.render(orderId, known);
            String json = views.json(view);
            if (view.isTerminal()) {
                long id = switch (view.status()) {
                    case PAID, EXPIRED, CANCELLED -> EventIds.ended(view.updatedAt());
                    default -> EventIds.terminal(view.updatedAt());
                };
                return new Frame(Kind.TERMINAL, view.status().name().toLowerCase(Locale.ROOT), json, id);
            }
            if (view.isHeld()) {
                OrderStatus.Payment payment = known.payment();
                long id = EventIds.held(payment != null && payment.decidedAt().isAfter(known.updatedAt())
                        ? payment.decidedAt() : known.updatedAt());
                return new Frame(Kind.HELD, "confirmed", json, id);
            }
            return Frame.waiting("queued", json);
        }
    }
}
