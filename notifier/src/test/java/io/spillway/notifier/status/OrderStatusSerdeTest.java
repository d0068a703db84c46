package io.spillway.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.contract.OrderId;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrderStatusSerdeTest {

    private static final OrderId ORDER = new OrderId(UUID.fromString("6f1c2a8e-1b9e-4a53-9d1e-0c3f5b7a9e21"));
    private static final Instant AT = Instant.parse("2026-12-24T09:00:03.120456789Z");

    private final OrderStatusSerde serde = new OrderStatusSerde();

    @Test
    void everyFieldOfEveryStateSurvivesTheRoundTrip() {
        List<OrderStatus> statuses = List.of(
                new OrderStatus(ORDER, OrderState.QUEUED, SaleId.of("concert"), Sku.of("VIP"), 2,
                        List.of(SeatId.of("A-1"), SeatId.of("A-2")), null, 7, 123_456_789_012L, AT),
                new OrderStatus(ORDER, OrderState.CONFIRMED, SaleId.of("concert"), Sku.of("VIP"), 2,
                        List.of(SeatId.of("A-1"), SeatId.of("A-2")), null, 7, 42L, AT),
                new OrderStatus(ORDER, OrderState.REJECTED, SaleId.of("concert"), Sku.of("GA"), 1, List.of(),
                        RejectionReason.SOLD_OUT, null, null, AT),
                // Only the order, the state and the time are required.
                new OrderStatus(ORDER, OrderState.CONFIRMED, null, null, 0, List.of(), null, null, null, AT),
                // Holds: the expiry, the payment, and a cancel that knows nothing of the order.
                new OrderStatus(ORDER, OrderState.CONFIRMED, SaleId.of("concert"), Sku.of("VIP"), 1,
                        List.of(SeatId.of("A-1")), null, 7, 42L, AT, AT.plusSeconds(600), null),
                new OrderStatus(ORDER, OrderState.PAID, SaleId.of("concert"), Sku.of("GA"), 1, List.of(), null,
                        null, null, AT.plusSeconds(60), AT.plusSeconds(600),
                        new OrderStatus.Payment("pay-1", PaymentOutcome.PAID, AT.plusSeconds(60))),
                new OrderStatus(ORDER, OrderState.EXPIRED, SaleId.of("concert"), Sku.of("GA"), 1, List.of(), null,
                        null, null, AT.plusSeconds(602), AT.plusSeconds(600),
                        new OrderStatus.Payment("pay-2", PaymentOutcome.TOO_LATE, AT.plusSeconds(602))),
                new OrderStatus(ORDER, OrderState.CANCELLED, null, null, null, List.of(), null, null, null, AT),
                new OrderStatus(ORDER, OrderState.QUEUED, null, null, null, List.of(), null, null, null, AT, null,
                        new OrderStatus.Payment("pay-3", PaymentOutcome.NOT_HELD, AT)));

        for (OrderStatus status : statuses) {
            byte[] row = serde.serialize("status", status);
            assertThat(row[0]).isEqualTo(OrderStatusSerde.BINARY_V1);
            assertThat(serde.deserialize("status", row)).isEqualTo(status);
        }
    }

    @Test
    void aBinaryRowIsAFractionOfTheJsonRowItReplaces() {
        OrderStatus status = new OrderStatus(ORDER, OrderState.CONFIRMED, SaleId.of("concert-2026-12-24"), Sku.of("GA"),
                2, List.of(), null, 3, 1_234L, AT);
        byte[] json = ("{\"orderId\":\"6f1c2a8e-1b9e-4a53-9d1e-0c3f5b7a9e21\",\"state\":\"CONFIRMED\","
                + "\"saleId\":\"concert-2026-12-24\",\"sku\":\"GA\",\"quantity\":2,\"seats\":[],\"reason\":null,"
                + "\"requestPartition\":3,\"requestOffset\":1234,\"updatedAt\":1798102803.120456789}")
                .getBytes(StandardCharsets.UTF_8);

        byte[] binary = serde.serialize("status", status);

        assertThat(serde.deserialize("status", json)).isEqualTo(status);
        assertThat(binary.length).isLessThan(json.length / 2);
    }

    @Test
    void rowsWrittenAsJsonByEarlierVersionsStillRead() {
        // Both forms of time the earlier JSON serde wrote: ISO text (first versions), epoch seconds (later).
        String iso = "{\"orderId\":\"6f1c2a8e-1b9e-4a53-9d1e-0c3f5b7a9e21\",\"state\":\"REJECTED\",\"saleId\":\"concert\","
                + "\"sku\":\"GA\",\"quantity\":1,\"seats\":[\"B-7\"],\"reason\":\"LIMIT_EXCEEDED\","
                + "\"requestPartition\":null,\"requestOffset\":null,\"updatedAt\":\"2026-12-24T09:00:03.120456789Z\"}";
        String epoch = iso.replace("\"2026-12-24T09:00:03.120456789Z\"", "1798102803.120456789");

        for (String json : List.of(iso, epoch)) {
            OrderStatus status = serde.deserialize("status", json.getBytes(StandardCharsets.UTF_8));
            assertThat(status).isEqualTo(new OrderStatus(ORDER, OrderState.REJECTED, SaleId.of("concert"), Sku.of("GA"),
                    1, List.of(SeatId.of("B-7")), RejectionReason.LIMIT_EXCEEDED, null, null, AT));
        }
    }

    @Test
    void anythingElseIsRefusedAsNotAnOrderStatus() {
        byte[] row = serde.serialize("status", new OrderStatus(ORDER, OrderState.QUEUED, SaleId.of("concert"),
                Sku.of("GA"), 1, List.of(), null, 0, 5L, AT));
        byte[] cut = Arrays.copyOf(row, row.length - 3);
        byte[] longer = Arrays.copyOf(row, row.length + 1);
        byte[] unknownState = row.clone();
        unknownState[17] = 9;

        for (byte[] bad : List.of(new byte[0], new byte[] {7, 1, 2}, cut, longer, unknownState,
                "not json".getBytes(StandardCharsets.UTF_8), "{\"state\":".getBytes(StandardCharsets.UTF_8))) {
            assertThatThrownBy(() -> serde.deserialize("status", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not an order status");
        }
    }
}
