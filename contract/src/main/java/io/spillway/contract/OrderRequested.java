package io.spillway.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A buyer asked for {@code quantity} of an item, or for the named {@code seatIds} of a seated item
 * (then {@code quantity} is their count). Published by ingest-api to {@code orders.requested} once
 * the request passed the door; decided by order-processor.
 *
 * <p>Every value that reads is one the processor can write: a record that reads but that PostgreSQL
 * refuses would fail its poll's transaction again at every attempt (issue 18). So besides the
 * contract's shapes (identifiers of 1 to 64 characters, which also fit the schema's
 * {@code VARCHAR(64)} columns; a quantity of at least 1 that equals the seat count) the reader holds
 * the fields to the database's types: {@code quantity} and {@code schemaVersion} are JSON integers
 * within {@code INTEGER} (a fraction, an exponent beyond it or a string is refused, never truncated
 * or coerced), and {@code requestedAt} is an ISO-8601 string between {@link #EARLIEST_REQUESTED_AT}
 * and {@link #LATEST_REQUESTED_AT}.
 *
 * <p>Limits: the time range is four-digit years, what RFC 3339 timestamps express, inside
 * PostgreSQL's {@code timestamptz} (4713 BC to 294276 AD); wider values would be stored but could not
 * be written back as the same text by every client. The seat list has no bound of its own: the door
 * caps the body at 4 KiB and the broker the record; a long list is decided (and rejected) like any.
 */
public record OrderRequested(
        @JsonDeserialize(using = OrderRequested.StrictInt.class) int schemaVersion,
        OrderId orderId,
        CustomerId customerId,
        SaleId saleId,
        Sku sku,
        @JsonDeserialize(using = OrderRequested.StrictInt.class) int quantity,
        List<SeatId> seatIds,
        @JsonDeserialize(using = OrderRequested.StrictInstant.class) Instant requestedAt)
        implements OrderEvent {

    /** The earliest {@code requestedAt} read: the first instant of a four-digit year. */
    public static final Instant EARLIEST_REQUESTED_AT = Instant.parse("0001-01-01T00:00:00Z");

    /** The last {@code requestedAt} read, exclusive: the first instant after four-digit years. */
    public static final Instant LATEST_REQUESTED_AT =
            LocalDate.of(10_000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

    public OrderRequested {
        OrderEvent.requireSupported(schemaVersion);
        OrderEvent.require(orderId, "orderId");
        OrderEvent.require(customerId, "customerId");
        OrderEvent.require(saleId, "saleId");
        OrderEvent.require(sku, "sku");
        OrderEvent.require(requestedAt, "requestedAt");
        if (requestedAt.isBefore(EARLIEST_REQUESTED_AT) || !requestedAt.isBefore(LATEST_REQUESTED_AT)) {
            throw new IllegalArgumentException("requestedAt " + requestedAt + " is outside years 0001 to 9999");
        }
        seatIds = seatIds == null ? List.of() : List.copyOf(seatIds);
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1");
        }
        if (!seatIds.isEmpty() && seatIds.size() != quantity) {
            throw new IllegalArgumentException("quantity must equal the number of seatIds");
        }
        if (seatIds.stream().distinct().count() != seatIds.size()) {
            throw new IllegalArgumentException("seatIds must not repeat");
        }
    }

    public static OrderRequested of(
            OrderId orderId, CustomerId customerId, SaleId saleId, Sku sku, int quantity, List<SeatId> seatIds,
            Instant requestedAt) {
        return new OrderRequested(SCHEMA_VERSION, orderId, customerId, saleId, sku, quantity, seatIds, requestedAt);
    }

    public boolean namesSeats() {
        return !seatIds.isEmpty();
    }

    /** An {@code int} written as a JSON integer: no fraction, no string, no coercion, no overflow. */
    static final class StrictInt extends JsonDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                return ctxt.reportInputMismatch(
                        this, "%s must be a JSON integer within 32 bits, not %s", p.currentName(), p.getText());
            }
            return p.getIntValue();
        }
    }

    /** An instant written as an ISO-8601 string, as writers do; a number (epoch seconds) is refused. */
    static final class StrictInstant extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return ctxt.reportInputMismatch(
                        this, "%s must be an ISO-8601 string, not %s", p.currentName(), p.getText());
            }
            return InstantDeserializer.INSTANT.deserialize(p, ctxt);
        }
    }
}
