package io.spillway.notifier.orders;

import io.spillway.contract.OrderId;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
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
 * only inside this process. The mark is a random header value of this process: a request that
 * carries it is left out of {@code http.server.requests}; no client outside can forge it to hide
 * its own requests.
 *
 * <p>Limits: enough ids that the warm-up's concurrent streams never reach the per-order cap
 * ({@code max-streams-per-order}) on one of them.
 */
final class WarmupOrders {

    static final String HEADER = "Spillway-Warmup";
    private static final int COUNT = 256;

    private final List<OrderId> ids;
    private final Set<OrderId> known;
    private final String mark;
    private final AtomicLong next = new AtomicLong();

    WarmupOrders() {
        SecureRandom random = new SecureRandom();
        List<OrderId> drawn = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            drawn.add(new OrderId(UUID.randomUUID()));
        }
        ids = List.copyOf(drawn);
        known = Set.copyOf(drawn);
        byte[] secret = new byte[16];
        random.nextBytes(secret);
        mark = HexFormat.of().formatHex(secret);
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

    String mark() {
        return mark;
    }

    /** Whether the request is the warm-up's own. */
    boolean marks(ServerHttpRequest request) {
        return mark.equals(request.getHeaders().getFirst(HEADER));
    }
}
