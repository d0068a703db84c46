package io.spillway.ingest.holds;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.OrderId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class HoldBookTest {

    private static final Instant NOW = Instant.parse("2026-12-24T09:00:00Z");

    @Test
    void knowsAHoldItWasToldOfWithItsDeadlineAndNoOther() {
        HoldBook book = new HoldBook(Duration.ofDays(2));
        OrderId held = order(1);

        book.open(held, NOW.plusSeconds(600), NOW);

        assertThat(book.deadline(held)).contains(NOW.plusSeconds(600));
        assertThat(book.deadline(order(2))).isEmpty();
        assertThat(book.size()).isEqualTo(1);
    }

    @Test
    void theSameHoldTwiceIsOneWithTheLaterRecordsDeadline() {
        HoldBook book = new HoldBook(Duration.ofDays(2));

        book.open(order(1), NOW.plusSeconds(600), NOW);
        book.open(order(1), NOW.plusSeconds(60), NOW);

        assertThat(book.size()).isEqualTo(1);
        assertThat(book.deadline(order(1))).contains(NOW.plusSeconds(60));
    }

    @Test
    void holdsLongEndedAreForgottenWhenTheTableWouldGrowAndTheRestKept() {
        HoldBook book = new HoldBook(Duration.ofDays(2));
        int capacity = book.capacity();
        // Three quarters of the table ended three days ago, then recent holds until it would grow.
        int old = capacity * 3 / 4;
        for (int i = 0; i < old; i++) {
            book.open(order(i), NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofDays(3)));
        }
        book.open(order(-1), NOW.plusSeconds(600), NOW);

        assertThat(book.capacity()).isEqualTo(capacity);
        assertThat(book.size()).isEqualTo(1);
        assertThat(book.deadline(order(-1))).contains(NOW.plusSeconds(600));
        assertThat(book.deadline(order(0))).isEmpty();
    }

    @Test
    void aMillionHoldsTakeAtMost64BytesEach() {
        HoldBook book = new HoldBook(Duration.ofDays(2));
        for (int i = 0; i < 1_000_000; i++) {
            book.open(order(i), NOW.plusSeconds(600), NOW);
        }

        assertThat(book.size()).isEqualTo(1_000_000);
        assertThat(book.capacity() * 24L).isLessThanOrEqualTo(64L * 1_000_000);
        assertThat(book.deadline(order(999_999))).contains(NOW.plusSeconds(600));
    }

    /** Any sequence of opens and forgets: the book answers as a map would (none is long ended here). */
    @Property(tries = 300)
    void answersAsAMapWouldWhateverTheOrderOfOpensAndForgets(@ForAll("operations") List<Operation> operations) {
        HoldBook book = new HoldBook(Duration.ofDays(2));
        Map<OrderId, Instant> model = new HashMap<>();
        for (Operation operation : operations) {
            if (operation.open()) {
                book.open(operation.order(), operation.deadline(), NOW);
                model.put(operation.order(), operation.deadline());
            } else {
                book.forget(operation.order());
                model.remove(operation.order());
            }
        }

        assertThat(book.size()).isEqualTo(model.size());
        for (int i = 0; i < KEYS; i++) {
            assertThat(book.deadline(order(i))).isEqualTo(Optional.ofNullable(model.get(order(i))));
        }
    }

    /** Few distinct orders, so that opens, repeats and forgets collide in long probe runs. */
    private static final int KEYS = 3_000;

    @Provide
    Arbitrary<List<Operation>> operations() {
        Arbitrary<Operation> operation = Combinators.combine(
                        Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, KEYS - 1),
                        Arbitraries.integers().between(0, 86_400))
                .as((kind, key, seconds) -> new Operation(kind > 0, order(key), NOW.plusSeconds(seconds)));
        return operation.list().ofMaxSize(5_000);
    }

    record Operation(boolean open, OrderId order, Instant deadline) {}

    /** Distinct ids whose mixed hashes still collide often in a small table. */
    private static OrderId order(int i) {
        return new OrderId(new UUID(i, 0));
    }
}
