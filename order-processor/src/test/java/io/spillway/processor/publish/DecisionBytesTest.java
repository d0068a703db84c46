package io.spillway.processor.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.CustomerId;
import io.spillway.contract.EventJson;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Decisions are now published as results ({@code EventJson.writeResult}); they must be the bytes the
 * processor wrote before ({@code EventJson.write}), so that readers of {@code orders.results} see no
 * change for a sale without a hold.
 */
class DecisionBytesTest {

    private static final Instant AT = Instant.parse("2026-12-24T09:00:00.123456Z");
    private static final OrderRequested REQUEST = OrderRequested.of(new OrderId(UUID.randomUUID()),
            CustomerId.of("ann"), SaleId.of("concert"), Sku.of("VIP"), 2, List.of(SeatId.of("A-1"), SeatId.of("A-2")),
            AT);

    @Test
    void aDecisionWrittenAsAResultIsTheSameBytesAsWrittenAsAnEvent() {
        OrderConfirmed fin = OrderConfirmed.of(REQUEST, REQUEST.seatIds(), AT.plusSeconds(1));
        OrderConfirmed held = OrderConfirmed.of(REQUEST, REQUEST.seatIds(), AT.plusSeconds(1), AT.plusSeconds(601));
        OrderRejected rejected = OrderRejected.of(REQUEST, RejectionReason.SOLD_OUT, AT.plusSeconds(1));

        assertThat(EventJson.writeResult(fin)).isEqualTo(EventJson.write(fin));
        assertThat(EventJson.writeResult(held)).isEqualTo(EventJson.write(held));
        assertThat(EventJson.writeResult(rejected)).isEqualTo(EventJson.write(rejected));
    }
}
