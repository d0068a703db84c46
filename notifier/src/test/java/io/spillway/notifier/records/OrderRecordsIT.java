package io.spillway.notifier.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderCancelled;
import io.spillway.contract.OrderConfirmed;
import io.spillway.contract.OrderExpired;
import io.spillway.contract.OrderPaid;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.OrderId;
import io.spillway.contract.OrderRejected;
import io.spillway.contract.OrderRequested;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.notifier.NotifierProperties;
import io.spillway.notifier.status.OrderState;
import io.spillway.notifier.status.OrderStatus;
import io.spillway.testing.SharedInfrastructure.TestDatabase;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lookup of decided orders in the real PostgreSQL, through the read-only role. */
class OrderRecordsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static OrdersTable orders;
    private static TestDatabase reader;

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<JdbcOrderRecords> opened = new ArrayList<>();

    @BeforeAll
    static void database() throws Exception {
        orders = OrdersTable.migrated();
        reader = orders.reader();
    }

    @AfterEach
    void close() {
        opened.forEach(JdbcOrderRecords::close);
    }

    @Test
    void aDecidedOrderIsReadWithItsSeatsReasonAndDecisionTimeThroughTheReadOnlyRole() throws Exception {
        Instant decidedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        OrderRequested seated = request("seated", "VIP", List.of(SeatId.of("A-1"), SeatId.of("A-2")));
        OrderRequested refused = request("refused", "GA", List.of());
        orders.insert(OrderConfirmed.of(seated, seated.seatIds(), decidedAt));
        orders.insert(OrderRejected.of(refused, RejectionReason.LIMIT_EXCEEDED, decidedAt));
        JdbcOrderRecords records = records(reader, CircuitBreaker.ofDefaults("order-records"));

        OrderStatus confirmed = records.decided(seated.orderId()).get().orElseThrow();
        assertThat(confirmed.state()).isEqualTo(OrderState.CONFIRMED);
        assertThat(confirmed.saleId()).isEqualTo(SaleId.of("concert"));
        assertThat(confirmed.sku()).isEqualTo(Sku.of("VIP"));
        assertThat(confirmed.quantity()).isEqualTo(2);
        assertThat(confirmed.seats()).containsExactly(SeatId.of("A-1"), SeatId.of("A-2"));
        assertThat(confirmed.reason()).isNull();
        assertThat(confirmed.updatedAt()).isEqualTo(decidedAt);

        OrderStatus rejected = records.decided(refused.orderId()).get().orElseThrow();
        assertThat(rejected.state()).isEqualTo(OrderState.REJECTED);
        assertThat(rejected.reason()).isEqualTo(RejectionReason.LIMIT_EXCEEDED);
    }

    @Test
    void heldPaidExpiredAndCancelledOrdersAreReadWithTheirHoldEndAndPayment() throws Exception {
        Instant decidedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant expiresAt = decidedAt.plusSeconds(600);
        Instant endedAt = decidedAt.plusSeconds(60);
        OrderRequested held = request("holding", "GA", List.of());
        OrderRequested payer = request("payer", "VIP", List.of(SeatId.of("B-1")));
        OrderRequested slow = request("slow", "GA", List.of());
        OrderRequested quitter = request("quitter", "GA", List.of());
        OrderId early = OrderId.derive(CustomerId.of("early"), SaleId.of("concert"), UUID.randomUUID().toString());
        orders.insert(OrderConfirmed.of(held, List.of(), decidedAt, expiresAt));
        orders.insert(new OrderPaid(1, payer.orderId(), payer.customerId(), payer.saleId(), payer.sku(), 1,
                payer.seatIds(), "pay-1", endedAt.minusSeconds(1), expiresAt, endedAt), decidedAt);
        orders.insert(new OrderExpired(1, slow.orderId(), slow.customerId(), slow.saleId(), slow.sku(), 1, List.of(),
                expiresAt, expiresAt.plusSeconds(2)), decidedAt);
        orders.insert(new OrderCancelled(1, quitter.orderId(), quitter.customerId(), quitter.saleId(), quitter.sku(), 1,
                List.of(), true, expiresAt, endedAt), decidedAt);
        orders.insert(new OrderCancelled(1, early, null, null, null, null, null, false, null, decidedAt), decidedAt);
        JdbcOrderRecords records = records(reader, CircuitBreaker.ofDefaults("order-records"));

        OrderStatus holding = records.decided(held.orderId()).get().orElseThrow();
        assertThat(holding.state()).isEqualTo(OrderState.CONFIRMED);
        assertThat(holding.isHeld()).isTrue();
        assertThat(holding.holdExpiresAt()).isEqualTo(expiresAt);
        assertThat(holding.updatedAt()).isEqualTo(decidedAt);

        OrderStatus paid = records.decided(payer.orderId()).get().orElseThrow();
        assertThat(paid.state()).isEqualTo(OrderState.PAID);
        assertThat(paid.seats()).containsExactly(SeatId.of("B-1"));
        assertThat(paid.updatedAt()).isEqualTo(endedAt);
        assertThat(paid.holdExpiresAt()).isEqualTo(expiresAt);
        assertThat(paid.payment()).isEqualTo(new OrderStatus.Payment("pay-1", PaymentOutcome.PAID, endedAt));

        OrderStatus expired = records.decided(slow.orderId()).get().orElseThrow();
        assertThat(expired.state()).isEqualTo(OrderState.EXPIRED);
        assertThat(expired.updatedAt()).isEqualTo(expiresAt.plusSeconds(2));
        assertThat(expired.payment()).isNull();

        OrderStatus cancelled = records.decided(quitter.orderId()).get().orElseThrow();
        assertThat(cancelled.state()).isEqualTo(OrderState.CANCELLED);
        assertThat(cancelled.saleId()).isEqualTo(SaleId.of("concert"));

        OrderStatus cancelledEarly = records.decided(early).get().orElseThrow();
        assertThat(cancelledEarly.state()).isEqualTo(OrderState.CANCELLED);
        assertThat(cancelledEarly.saleId()).isNull();
        assertThat(cancelledEarly.sku()).isNull();
        assertThat(cancelledEarly.quantity()).isNull();
        assertThat(cancelledEarly.isTerminal()).isTrue();
    }

    @Test
    void aBurstOfReadsOfQueuedOrdersIsBatchedAndItsAbsenceBelievedSoRepeatsCostNoQuery() throws Exception {
        JdbcOrderRecords records = records(reader, CircuitBreaker.ofDefaults("order-records"));
        List<OrderId> queued = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            queued.add(new OrderId(UUID.randomUUID()));
        }
        List<CompletableFuture<Optional<OrderStatus>>> burst = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            queued.forEach(id -> burst.add(records.decided(id)));
        }
        CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get();
        assertThat(burst).allSatisfy(answer -> assertThat(answer.get()).isEmpty());
        double queries = queries("ok");
        assertThat(queries).isPositive().isLessThan(burst.size());

        // Asked again within absent-for: answered without the database.
        for (OrderId id : queued) {
            CompletableFuture<Optional<OrderStatus>> again = records.decided(id);
            assertThat(again).isDone();
            assertThat(again.get()).isEmpty();
        }
        assertThat(queries("ok")).isEqualTo(queries);
    }

    @Test
    void aDatabaseThatCannotBeReachedAnswersEmptyAndOpensTheCircuitSoLaterLookupsAnswerAtOnce() throws Exception {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0)) {
            closedPort = free.getLocalPort();
        }
        TestDatabase nowhere = new TestDatabase("jdbc:postgresql://127.0.0.1:" + closedPort + "/spillway", "x", "x");
        CircuitBreaker breaker = CircuitBreaker.of("order-records", CircuitBreakerConfig.custom()
                .slidingWindowSize(4).minimumNumberOfCalls(2).waitDurationInOpenState(Duration.ofMinutes(5)).build());
        JdbcOrderRecords records = records(nowhere, breaker);

        await().atMost(PATIENCE).until(() -> {
            assertThat(records.decided(new OrderId(UUID.randomUUID())).get()).isEmpty();
            return breaker.getState() == CircuitBreaker.State.OPEN;
        });
        CompletableFuture<Optional<OrderStatus>> whileOpen = records.decided(new OrderId(UUID.randomUUID()));
        assertThat(whileOpen).isDone();
        assertThat(whileOpen.get()).isEmpty();
        assertThat(queries("failed")).isPositive();
    }

    private JdbcOrderRecords records(TestDatabase database, CircuitBreaker breaker) {
        NotifierProperties.Records settings = new NotifierProperties.Records(database.jdbcUrl(), database.username(),
                database.password(), 2, Duration.ofMillis(500), Duration.ofMillis(20), Duration.ofMinutes(1));
        JdbcOrderRecords records = new JdbcOrderRecords(settings, breaker, meters);
        opened.add(records);
        return records;
    }

    private double queries(String outcome) {
        return meters.get("spillway.notifier.records.queries").tag("outcome", outcome).counter().count();
    }

    private static OrderRequested request(String customer, String sku, List<SeatId> seats) {
        CustomerId customerId = CustomerId.of(customer);
        return OrderRequested.of(OrderId.derive(customerId, SaleId.of("concert"), UUID.randomUUID().toString()), customerId,
                SaleId.of("concert"), Sku.of(sku), seats.isEmpty() ? 1 : seats.size(), seats, Instant.now());
    }
}
