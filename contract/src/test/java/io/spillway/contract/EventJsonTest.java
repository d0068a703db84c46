package io.spillway.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.contract.EventJson.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventJsonTest {

    private static final OrderRequested REQUEST = OrderRequested.of(
            OrderId.derive(CustomerId.of("c-1"), SaleId.of("sale-1"), "key-1"), CustomerId.of("c-1"), SaleId.of("sale-1"), Sku.of("VIP"),
            2, List.of(SeatId.of("A-1"), SeatId.of("A-2")), Instant.parse("2026-12-24T09:00:00.123456Z"));

    @Test
    void everyEventNamesItsTypeAndSchemaVersionAndReadsBackEqual() {
        OrderEvent[] events = {
            REQUEST,
            OrderConfirmed.of(REQUEST, REQUEST.seatIds(), Instant.parse("2026-12-24T09:00:01Z")),
            OrderRejected.of(REQUEST, RejectionReason.SEAT_TAKEN, Instant.parse("2026-12-24T09:00:01Z"))
        };
        for (OrderEvent event : events) {
            String json = new String(EventJson.write(event), StandardCharsets.UTF_8);
            assertThat(json)
                    .contains("\"type\":\"" + event.getClass().getSimpleName() + "\"")
                    .contains("\"schemaVersion\":1");
            assertThat(EventJson.read(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
        }
    }

    @Test
    void aReaderToleratesFieldsANewerWriterAdded() {
        String json = new String(EventJson.write(REQUEST), StandardCharsets.UTF_8).replace("{", "{\"addedLater\":7,");
        assertThat(EventJson.read(json.getBytes(StandardCharsets.UTF_8), OrderRequested.class)).isEqualTo(REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json",
        "[]",
        "{\"type\":\"OrderShipped\",\"schemaVersion\":1}",
        "{\"type\":\"OrderRequested\",\"schemaVersion\":2,\"orderId\":\"0b6c1f2e-0000-8000-8000-000000000000\","
                + "\"customerId\":\"c\",\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1,\"seatIds\":[],\"requestedAt\":\"2026-12-24T09:00:00Z\"}",
        "{\"type\":\"OrderRequested\",\"schemaVersion\":1,\"orderId\":\"0b6c1f2e-0000-8000-8000-000000000000\","
                + "\"customerId\":\"c\",\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":0,\"seatIds\":[],\"requestedAt\":\"2026-12-24T09:00:00Z\"}",
        "{\"type\":\"OrderRequested\",\"schemaVersion\":1,\"orderId\":\"0b6c1f2e-0000-8000-8000-000000000000\","
                + "\"customerId\":\"c\",\"saleId\":\"s/x\",\"sku\":\"GA\",\"quantity\":1,\"seatIds\":[],\"requestedAt\":\"2026-12-24T09:00:00Z\"}",
        "{\"type\":\"OrderRequested\",\"schemaVersion\":1,\"orderId\":\"0b6c1f2e-0000-8000-8000-000000000000\","
                + "\"customerId\":\"c\",\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1,\"seatIds\":[]}"
    })
    void whatIsNotAnEventOfThisSchemaIsRefused(String json) {
        assertThatThrownBy(() -> EventJson.read(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedEventException.class);
    }

    private static final String VALID_REQUEST = "{\"type\":\"OrderRequested\",\"schemaVersion\":1,"
            + "\"orderId\":\"0b6c1f2e-0000-8000-8000-000000000000\",\"customerId\":\"c\",\"saleId\":\"s\","
            + "\"sku\":\"GA\",\"quantity\":2,\"seatIds\":[],\"requestedAt\":\"2026-12-24T09:00:00Z\"}";

    @Test
    void theTemplateOfTheRangeCasesReads() {
        assertThat(EventJson.read(VALID_REQUEST.getBytes(StandardCharsets.UTF_8), OrderRequested.class).quantity())
                .isEqualTo(2);
    }

    /** Values that parse (into an Instant, or by Jackson's default coercions) but PostgreSQL would refuse. */
    @ParameterizedTest
    @ValueSource(strings = {
        "\"requestedAt\":\"+300000-01-01T00:00:00Z\"",
        "\"requestedAt\":\"+10000-01-01T00:00:00Z\"",
        "\"requestedAt\":\"-0001-12-31T23:59:59Z\"",
        "\"requestedAt\":\"-1000000000-01-01T00:00:00Z\"",
        "\"requestedAt\":1e13",
        "\"requestedAt\":10000000000000",
        "\"requestedAt\":\"10000000000000\"",
        "\"requestedAt\":1766566800",
        "\"quantity\":1e13",
        "\"quantity\":10000000000000",
        "\"quantity\":2147483648",
        "\"quantity\":-2147483649",
        "\"quantity\":2.5",
        "\"quantity\":2.0",
        "\"quantity\":\"2\"",
        "\"quantity\":true",
        "\"quantity\":null",
        "\"schemaVersion\":1.0",
        "\"schemaVersion\":\"1\"",
        "\"schemaVersion\":4294967297"
    })
    void aValueOutOfTheDatabasesRangeOrOfAnotherTypeIsRefused(String field) {
        String name = field.substring(0, field.indexOf(':') + 1);
        String json = VALID_REQUEST.replaceFirst(
                java.util.regex.Pattern.quote(name) + "(\"[^\"]*\"|[^,}]*)", java.util.regex.Matcher.quoteReplacement(field));
        assertThat(json).contains(field);
        assertThatThrownBy(() -> EventJson.read(json.getBytes(StandardCharsets.UTF_8), OrderRequested.class))
                .isInstanceOf(MalformedEventException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2026-12-24T10:00:00+01:00"})
    void timesOfFourDigitYearsAreRead(String requestedAt) {
        String json = VALID_REQUEST.replace("2026-12-24T09:00:00Z", requestedAt);
        assertThat(EventJson.read(json.getBytes(StandardCharsets.UTF_8), OrderRequested.class).requestedAt())
                .isEqualTo(java.time.OffsetDateTime.parse(requestedAt).toInstant());
    }

    @Test
    void aDecisionIsNotARequest() {
        byte[] rejected = EventJson.write(OrderRejected.of(REQUEST, RejectionReason.SOLD_OUT, Instant.now()));
        assertThatThrownBy(() -> EventJson.read(rejected, OrderRequested.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("expected OrderRequested");
    }
}
