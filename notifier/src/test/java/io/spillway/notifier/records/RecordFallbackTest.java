package io.spillway.notifier.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.OrderId;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.notifier.status.OrderState;
import io.spillway.notifier.status.OrderStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordFallbackTest {

    private static final Instant NOW = Instant.parse("2026-12-24T09:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(1);

    @Test
    void anOrderTheTableDoesNotKnowIsAskedFor() {
        assertThat(RecordFallback.needed(null, NOW, RETENTION)).isTrue();
        assertThat(RecordFallback.needed(null, NOW, Duration.ZERO)).isTrue();
    }

    @Test
    void aDecisionInTheTableIsFinalAndNeverAskedFor() {
        assertThat(RecordFallback.needed(status(OrderState.CONFIRMED, NOW.minus(Duration.ofDays(20))), NOW, RETENTION)).isFalse();
        assertThat(RecordFallback.needed(status(OrderState.REJECTED, NOW), NOW, RETENTION)).isFalse();
    }

    @Test
    void aQueuedOrderInItsLineIsNotAskedFor() {
        assertThat(RecordFallback.needed(status(OrderState.QUEUED, NOW.minus(Duration.ofHours(23))), NOW, RETENTION)).isFalse();
    }

    @Test
    void aQueuedRowOlderThanTheRetentionOfDecidedOrdersIsAskedFor() {
        assertThat(RecordFallback.needed(status(OrderState.QUEUED, NOW.minus(Duration.ofHours(25))), NOW, RETENTION)).isTrue();
    }

    @Test
    void withoutARetentionAQueuedRowIsNeverAskedFor() {
        assertThat(RecordFallback.needed(status(OrderState.QUEUED, NOW.minus(Duration.ofDays(40))), NOW, Duration.ZERO)).isFalse();
    }

    private static OrderStatus status(OrderState state, Instant updatedAt) {
        return new OrderStatus(new OrderId(UUID.randomUUID()), state, SaleId.of("concert"), Sku.of("GA"), 1, List.of(),
                state == OrderState.REJECTED ? RejectionReason.SOLD_OUT : null, state == OrderState.QUEUED ? 0 : null,
                state == OrderState.QUEUED ? 7L : null, updatedAt);
    }
}
