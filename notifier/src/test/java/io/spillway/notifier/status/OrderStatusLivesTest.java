package io.spillway.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link OrderStatus#merge} over whole lives of one held order: its events in any order, any of
 * them delivered again, always give the row they give in the order they happened (but for the place
 * in line, which only a request heard before the decision leaves).
 */
class OrderStatusLivesTest {

    private static final List<List<String>> LIVES = List.of(
            List.of("request", "held", "paid", "notHeld"),
            List.of("request", "held", "tooLate", "expired"),
            List.of("request", "held", "cancelled", "notHeld"),
            List.of("request", "cancelledWhileQueued"),
            List.of("request", "rejected"));

    @Property(tries = 500)
    void anyOrderOfArrivalWithRepeatsEndsTheSame(@ForAll("deliveries") List<String> delivered) {
        Map<String, OrderStatus> updates = OrderStatusTest.updates();
        List<String> life = LIVES.stream().filter(l -> l.containsAll(delivered)).findFirst().orElseThrow();
        OrderStatus inOrder = null;
        for (String event : life) {
            inOrder = OrderStatus.merge(inOrder, updates.get(event));
        }
        OrderStatus shuffled = null;
        for (String event : delivered) {
            shuffled = OrderStatus.merge(shuffled, updates.get(event));
        }

        assertThat(withoutPlace(shuffled)).isEqualTo(withoutPlace(inOrder));
    }

    /** One life's events, each once, shuffled, with a few of them delivered again anywhere. */
    @Provide
    Arbitrary<List<String>> deliveries() {
        return Arbitraries.of(LIVES).flatMap(life -> Arbitraries.shuffle(life).flatMap(order ->
                Arbitraries.of(life).list().ofMaxSize(3).flatMap(repeats ->
                        Arbitraries.integers().between(0, life.size()).list().ofSize(repeats.size()).map(at -> {
                            List<String> delivered = new ArrayList<>(order);
                            for (int i = 0; i < repeats.size(); i++) {
                                delivered.add(Math.min(at.get(i), delivered.size()), repeats.get(i));
                            }
                            return delivered;
                        }))));
    }

    private static OrderStatus withoutPlace(OrderStatus s) {
        return new OrderStatus(s.orderId(), s.state(), s.saleId(), s.sku(), s.quantity(), s.seats(), s.reason(),
                null, null, s.updatedAt(), s.holdExpiresAt(), s.payment());
    }
}
