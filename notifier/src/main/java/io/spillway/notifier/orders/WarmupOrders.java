package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import io.spillway.contract.spring.WarmupMark;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The orders this instance's warm-up ({@link OrderWarmup}) follows, and the mark on its requests:
 * what lets the rest of the instance keep the warm-up out of what buyers and dashboards see.
 *
 * <p>The ids are random version-4 UUIDs drawn at start: the door derives every order id as a
 * version-8 UUID ({@code OrderId.derive}), so no buyer's order can have one, and their tokens exist
 * only inside this process. A request that carries the {@link WarmupMark} is left out of
 * {@code http.server.requests}.
 *
 * <p>Limits: enough ids that the warm-up's concurrent streams never reach the per-order cap
 * ({@code max-streams-per-order}) on one of them.
 */
final class WarmupOrders {

    private static final int COUNT = 256;

    private final List<OrderId> ids;
    private final Set<OrderId> known;
    private final WarmupMark mark = new WarmupMark();
    private final AtomicLong next = new AtomicLong();

    WarmupOrders() {
        List<OrderId> drawn = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            drawn.add(new OrderId(UUID.randomUUID()));
        }
        ids = List.copyOf(drawn);
        known = Set.copyOf(drawn);
    }

    /** The next id to follow, in turn. */
    OrderId next() {
        return ids.get((int) Math.floorMod(next.getAndIncrement(), (long) COUNT));
    }

    List<OrderId> ids() {
        return ids;
    }

    /** Whether this key (an order id, or another feature's) is one of the warm-up's orders. */
    boolean contains(Object key) {
        return key instanceof OrderId id && known.contains(id);
    }

    WarmupMark mark() {
        return mark;
    }

    /** Whether the request is the warm-up's own. */
    boolean marks(ServerHttpRequest request) {
        return mark.matches(request.getHeaders().getFirst(WarmupMark.HEADER));
    }
}
