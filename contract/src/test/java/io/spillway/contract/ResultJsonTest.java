package io.spillway.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.contract.EventJson.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The values of orders.results, orders.commands and orders.holds that holds added (issue 16). */
class ResultJsonTest {

    private static final CustomerId CUSTOMER = CustomerId.of("c-1");
    private static final SaleId SALE = SaleId.of("sale-1");
    private static final OrderId ORDER = OrderId.derive(CUSTOMER, SALE, "key-1");
    private static final OrderRequested REQUEST = OrderRequested.of(ORDER, CUSTOMER, SALE, Sku.of("VIP"), 1,
            List.of(SeatId.of("A-1")), Instant.parse("2026-12-24T09:00:00Z"));
    private static final Instant DECIDED = Instant.parse("2026-12-24T09:00:01Z");
    private static final Instant DEADLINE = Instant.parse("2026-12-24T09:10:01Z");

    @Test
    void everyResultReadsBackEqualWithItsType() {
        OrderResult[] results = {
            OrderConfirmed.of(REQUEST, REQUEST.seatIds(), DECIDED),
            OrderConfirmed.of(REQUEST, REQUEST.seatIds(), DECIDED, DEADLINE),
            OrderRejected.of(REQUEST, RejectionReason.SOLD_OUT, DECIDED),
            new OrderPaid(1, ORDER, CUSTOMER, SALE, Sku.of("VIP"), 1, List.of(SeatId.of("A-1")), "pay_1",
                    DECIDED.plusSeconds(5), DEADLINE, DECIDED.plusSeconds(6)),
            new OrderExpired(1, ORDER, CUSTOMER, SALE, Sku.of("VIP"), 1, List.of(SeatId.of("A-1")), DEADLINE,
                    DEADLINE.plusSeconds(2)),
            new OrderCancelled(1, ORDER, CUSTOMER, SALE, Sku.of("VIP"), 1, List.of(SeatId.of("A-1")), true, DEADLINE,
                    DECIDED.plusSeconds(3)),
            new OrderCancelled(1, ORDER, null, null, null, null, null, false, null, DECIDED),
            new PaymentRefused(1, ORDER, "pay_2", PaymentOutcome.TOO_LATE, DEADLINE.plusMillis(1), DEADLINE.plusSeconds(2))
        };
        for (OrderResult result : results) {
            String json = new String(EventJson.writeResult(result), StandardCharsets.UTF_8);
            assertThat(json).contains("\"type\":\"" + result.getClass().getSimpleName() + "\"");
            assertThat(EventJson.readResult(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(result);
        }
    }

    @Test
    void aDecisionWrittenAsAnEventReadsAsAResultAndBack() {
        OrderConfirmed held = OrderConfirmed.of(REQUEST, REQUEST.seatIds(), DECIDED, DEADLINE);
        assertThat(EventJson.readResult(EventJson.write(held))).isEqualTo(held);
        assertThat(EventJson.read(EventJson.writeResult(held))).isEqualTo(held);
    }

    @Test
    void aConfirmationOfAnOlderWriterWithoutHoldExpiresAtIsFinal() {
        String json = new String(EventJson.write(OrderConfirmed.of(REQUEST, REQUEST.seatIds(), DECIDED)),
                StandardCharsets.UTF_8).replace(",\"holdExpiresAt\":null", "");
        assertThat(json).doesNotContain("holdExpiresAt");
        OrderResult read = EventJson.readResult(json.getBytes(StandardCharsets.UTF_8));
        assertThat(read).isInstanceOfSatisfying(OrderConfirmed.class, c -> assertThat(c.held()).isFalse());
    }

    @Test
    void commandsAndHoldsReadBackEqual() {
        OrderCommand[] commands = {
            PaymentReceived.of(ORDER, "k-1", "pay_1", DECIDED), CancelRequested.of(ORDER, DECIDED)
        };
        for (OrderCommand command : commands) {
            assertThat(EventJson.readCommand(EventJson.writeCommand(command))).isEqualTo(command);
        }
        HoldOpened hold = HoldOpened.of(OrderConfirmed.of(REQUEST, REQUEST.seatIds(), DECIDED, DEADLINE));
        assertThat(EventJson.readHold(EventJson.writeHold(hold))).isEqualTo(hold);
    }

    @Test
    void theSameKeyForTheSameOrderIsOnePaymentAndAnotherKeyIsAnother() {
        assertThat(PaymentReceived.commandId(ORDER, "k")).isEqualTo(PaymentReceived.commandId(ORDER, "k"));
        assertThat(PaymentReceived.commandId(ORDER, "k")).isNotEqualTo(PaymentReceived.commandId(ORDER, "k2"));
        assertThat(PaymentReceived.commandId(ORDER, "k"))
                .isNotEqualTo(PaymentReceived.commandId(OrderId.derive(CUSTOMER, SALE, "key-2"), "k"));
    }

    @Test
    void whatIsNotAValidResultIsRefused() {
        assertThatThrownBy(() -> EventJson.readResult(EventJson.write(REQUEST)))
                .isInstanceOf(MalformedEventException.class);
        String badRef = new String(EventJson.writeCommand(PaymentReceived.of(ORDER, "k", "pay_1", DECIDED)),
                StandardCharsets.UTF_8).replace("pay_1", "pay 1");
        assertThatThrownBy(() -> EventJson.readCommand(badRef.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> new OrderCancelled(1, ORDER, null, null, null, null, null, true, null, DECIDED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OrderConfirmed.of(REQUEST, REQUEST.seatIds(), DECIDED, DECIDED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theHoldsTopicsAreNamedAfterTheRequestsTopic() {
        assertThat(Topics.DEFAULTS.commands()).isEqualTo("orders.commands");
        assertThat(Topics.DEFAULTS.holds()).isEqualTo("orders.holds");
        Topics own = Topics.DEFAULTS.withSuffix("-it7");
        assertThat(own.commands()).isEqualTo("orders.commands-it7");
        assertThat(new Topics("t.requested-x", "r", "d", 3, (short) 1).commands()).isEqualTo("t.requested-x.commands");
    }
}
