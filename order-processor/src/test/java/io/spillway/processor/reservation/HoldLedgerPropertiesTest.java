package io.spillway.processor.reservation;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.CustomerId;
import io.spillway.contract.HoldEnded;
import io.spillway.contract.OrderId;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.processor.reservation.HoldLedger.Cancel;
import io.spillway.processor.reservation.HoldLedger.Command;
import io.spillway.processor.reservation.HoldLedger.Pay;
import io.spillway.processor.reservation.HoldLedger.Settlement;
import io.spillway.processor.reservation.HoldLedger.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A hold ends once whatever commands come, in whatever order and however many steps see them: the
 * ledger settled step after step (each step given what is still pending and a cutoff that only
 * rises) ends it at most once, a payment accepted by the deadline is never beaten by the expiry,
 * and units come back exactly when the hold ends unpaid.
 */
class HoldLedgerPropertiesTest {

    private static final Instant DECIDED = Instant.parse("2026-12-24T09:00:00Z");
    private static final Instant D = DECIDED.plusSeconds(60);

    @Property(tries = 500)
    void aHoldEndsAtMostOnceAndATimelyPaymentAlwaysBeatsTheExpiry(
            @ForAll("commands") List<Command> commands, @ForAll @IntRange(min = 1, max = 4) int steps) {
        HoldLedger.Order order = new HoldLedger.Order(new OrderId(UUID.randomUUID()), Status.CONFIRMED,
                CustomerId.of("ann"), SaleId.of("s"), Sku.of("GA"), 2, List.of(), DECIDED, D);
        List<Command> pending = new ArrayList<>(commands);
        int ends = 0;
        int back = 0;
        int paid = 0;
        Status status = Status.CONFIRMED;
        for (int step = 0; step < steps; step++) {
            // The cutoff rises from before the deadline to after it; the last step is past it.
            Instant cutoff = step == steps - 1 ? D.plusSeconds(5) : D.minusSeconds(steps - step);
            Instant now = cutoff.plusSeconds(2);
            HoldLedger.Order current = new HoldLedger.Order(order.orderId(), status, order.customerId(),
                    order.saleId(), order.sku(), order.quantity(), order.seats(), order.decidedAt(), D);
            Settlement s = HoldLedger.settle(current, pending, cutoff, now);
            if (s.endsAs() != null) {
                ends++;
                status = s.endsAs();
                back += s.back();
                assertThat(s.events().getLast()).isInstanceOf(HoldEnded.class);
            }
            paid += (int) s.payments().values().stream().filter(o -> o == PaymentOutcome.PAID).count();
            pending.removeAll(s.payments().keySet());
            pending.removeAll(s.cancels().keySet());
        }
        assertThat(ends).isEqualTo(1);
        assertThat(pending).isEmpty();
        assertThat(paid).isEqualTo(status == Status.PAID ? 1 : 0);
        assertThat(back).isEqualTo(status == Status.PAID ? 0 : 2);
        Command firstTimely = commands.stream()
                .filter(c -> !c.acceptedAt().isAfter(D))
                .min(java.util.Comparator.comparingLong(Command::seq))
                .orElse(null);
        if (firstTimely == null) {
            assertThat(status).isEqualTo(Status.EXPIRED);
        } else {
            assertThat(status).isEqualTo(firstTimely instanceof Pay ? Status.PAID : Status.CANCELLED);
        }
    }

    @Provide
    Arbitrary<List<Command>> commands() {
        Arbitrary<Command> command = Combinators.combine(
                        Arbitraries.of(true, false), Arbitraries.integers().between(-3000, 3000))
                .as((pay, offset) -> pay
                        ? new Pay(0, "ref-" + UUID.randomUUID(), D.plusMillis(offset))
                        : new Cancel(0, D.plusMillis(offset)));
        return command.list().ofMaxSize(6).map(list -> {
            List<Command> numbered = new ArrayList<>();
            boolean cancelled = false;
            for (Command c : list) {
                // One cancel per order is all the intake stores.
                if (c instanceof Cancel && cancelled) {
                    continue;
                }
                cancelled |= c instanceof Cancel;
                long seq = numbered.size() + 1;
                numbered.add(c instanceof Pay p ? new Pay(seq, p.paymentRef(), p.acceptedAt())
                        : new Cancel(seq, c.acceptedAt()));
            }
            return numbered;
        });
    }
}
