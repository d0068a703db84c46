package io.spillway.notifier.orders;

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
import io.spillway.notifier.status.OrderState;
import io.spillway.notifier.status.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The direct feed reads decisions with the contract's reader, as the table does, and skips what it refuses. */
class DirectDecisionsTest {

    private final OrderRequested request = OrderRequested.of(
            OrderId.derive(CustomerId.of("buyer"), SaleId.of("concert"), UUID.randomUUID().toString()), CustomerId.of("buyer"),
            SaleId.of("concert"), Sku.of("VIP"), 2, List.of(SeatId.of("A-1"), SeatId.of("A-2")),
            Instant.parse("2026-11-23T10:00:00.123456Z"));

    @Test
    void aConfirmationReadsAsTheSameTerminalStatusAsTheTablesReader() {
        OrderConfirmed confirmed = OrderConfirmed.of(request, request.seatIds(), Instant.parse("2026-11-23T10:00:01.987654321Z"));

        OrderStatus read = DirectDecisions.read(EventJson.write(confirmed));

        assertThat(read).isEqualTo(OrderStatus.of(confirmed));
        assertThat(read.state()).isEqualTo(OrderState.CONFIRMED);
        assertThat(read.seats()).containsExactly(SeatId.of("A-1"), SeatId.of("A-2"));
    }

    @Test
    void aRejectionKeepsItsReasonAndTheSeatsAskedFor() {
        OrderRejected rejected = OrderRejected.of(request, RejectionReason.SEAT_TAKEN, Instant.parse("2026-11-23T10:00:02Z"));

        OrderStatus read = DirectDecisions.read(EventJson.write(rejected));

        assertThat(read).isEqualTo(OrderStatus.of(rejected));
        assertThat(read.reason()).isEqualTo(RejectionReason.SEAT_TAKEN);
    }

    @Test
    void fieldsTheContractDoesNotKnowAreSkippedWhateverTheirShape() {
        String json = """
                {"type":"OrderConfirmed","schemaVersion":1,"extra":{"nested":[1,{"a":2}]},
                 "orderId":"%s","customerId":"buyer","saleId":"concert","sku":"GA","quantity":1,"seats":[],
                 "requestedAt":"2026-11-23T10:00:00Z","decidedAt":"2026-11-23T10:00:03.5Z","later":[true]}
                """.formatted(request.orderId());

        OrderStatus read = DirectDecisions.read(json.getBytes(StandardCharsets.UTF_8));

        assertThat(read.orderId()).isEqualTo(request.orderId());
        assertThat(read.updatedAt()).isEqualTo(Instant.parse("2026-11-23T10:00:03.5Z"));
        assertThat(read.seats()).isEmpty();
    }

    @Test
    void anythingThatIsNotAUsableDecisionReadsAsNull() {
        String id = request.orderId().toString();
        List<String> unusable = List.of(
                "",
                "not json",
                "[1,2]",
                "{\"type\":\"OrderRequested\",\"schemaVersion\":1,\"orderId\":\"" + id
                        + "\",\"saleId\":\"s\",\"sku\":\"k\",\"quantity\":1,\"decidedAt\":\"2026-11-23T10:00:00Z\"}",
                "{\"type\":\"OrderConfirmed\",\"schemaVersion\":2,\"orderId\":\"" + id
                        + "\",\"saleId\":\"s\",\"sku\":\"k\",\"quantity\":1,\"decidedAt\":\"2026-11-23T10:00:00Z\"}",
                "{\"type\":\"OrderConfirmed\",\"schemaVersion\":1,\"orderId\":\"" + id
                        + "\",\"saleId\":\"s\",\"sku\":\"k\",\"quantity\":1}",
                "{\"type\":\"OrderRejected\",\"schemaVersion\":1,\"orderId\":\"" + id
                        + "\",\"saleId\":\"s\",\"sku\":\"k\",\"quantity\":1,\"decidedAt\":\"2026-11-23T10:00:00Z\"}",
                "{\"type\":\"OrderRejected\",\"schemaVersion\":1,\"orderId\":\"" + id
                        + "\",\"saleId\":\"s\",\"sku\":\"k\",\"quantity\":1,\"reason\":\"NO_SUCH\",\"decidedAt\":\"2026-11-23T10:00:00Z\"}",
                "{\"type\":\"OrderConfirmed\",\"schemaVersion\":1,\"orderId\":\"not-a-uuid\""
                        + ",\"saleId\":\"s\",\"sku\":\"k\",\"quantity\":1,\"decidedAt\":\"2026-11-23T10:00:00Z\"}");

        for (String json : unusable) {
            assertThat(DirectDecisions.read(json.getBytes(StandardCharsets.UTF_8))).as(json).isNull();
        }
        assertThat(DirectDecisions.read(null)).isNull();
    }
}
