package io.spillway.notifier.status;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.spillway.contract.OrderEvent;
import io.spillway.contract.OrderId;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a decision record of {@code orders.results} straight into the terminal {@link OrderStatus},
 * with a streaming parser and only the fields a terminal event shows: no tree, no polymorphic
 * binding, no {@code customerId} or {@code requestedAt}. It is the direct feed's decoder, where a
 * decision must reach its subscribers within milliseconds.
 *
 * <p>Limits: it is more lenient than the contract's reader ({@code EventJson}) about fields the
 * terminal event does not show, and answers null (not an exception) for anything it cannot use:
 * an unknown {@code type} or {@code schemaVersion}, a missing field the event needs, a malformed
 * record. The order-status table still reads every record with the contract's reader, so a
 * record skipped here is delivered from the table, or skipped there too.
 */
public final class DecisionJson {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private DecisionJson() {}

    /** The decision as a terminal status, or null if the record is not a decision this reader can use. */
    public static OrderStatus read(byte[] json) {
        if (json == null || json.length == 0) {
            return null;
        }
        try (JsonParser parser = FACTORY.createParser(json)) {
            return read(parser);
        } catch (IOException | RuntimeException unusable) {
            return null;
        }
    }

    private static OrderStatus read(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String type = null;
        int schemaVersion = -1;
        String orderId = null;
        String saleId = null;
        String sku = null;
        int quantity = -1;
        List<SeatId> seats = null;
        String reason = null;
        Instant decidedAt = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "type" -> type = parser.getValueAsString();
                case "schemaVersion" -> schemaVersion = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : -1;
                case "orderId" -> orderId = parser.getValueAsString();
                case "saleId" -> saleId = parser.getValueAsString();
                case "sku" -> sku = parser.getValueAsString();
                case "quantity" -> quantity = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : -1;
                // OrderConfirmed names the seats held "seats", OrderRejected the seats asked for "seatIds".
                case "seats", "seatIds" -> seats = seats(parser, value);
                case "reason" -> reason = parser.getValueAsString();
                case "decidedAt" -> decidedAt = instant(parser, value);
                default -> parser.skipChildren();
            }
        }
        if (schemaVersion != OrderEvent.SCHEMA_VERSION || orderId == null || saleId == null || sku == null
                || quantity < 0 || decidedAt == null) {
            return null;
        }
        OrderState state;
        RejectionReason why = null;
        if ("OrderConfirmed".equals(type)) {
            state = OrderState.CONFIRMED;
        } else if ("OrderRejected".equals(type) && reason != null) {
            state = OrderState.REJECTED;
            why = RejectionReason.valueOf(reason);
        } else {
            return null;
        }
        return new OrderStatus(OrderId.of(orderId), state, SaleId.of(saleId), Sku.of(sku), quantity,
                seats, why, null, null, decidedAt);
    }

    private static List<SeatId> seats(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return null;
        }
        List<SeatId> seats = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            seats.add(SeatId.of(parser.getValueAsString()));
        }
        return seats;
    }

    /** ISO-8601 text, as the contract writes it; numbers (epoch seconds) are read too. */
    private static Instant instant(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return Instant.parse(parser.getText());
        }
        if (value == JsonToken.VALUE_NUMBER_INT) {
            return Instant.ofEpochSecond(parser.getLongValue());
        }
        if (value == JsonToken.VALUE_NUMBER_FLOAT) {
            BigDecimal seconds = parser.getDecimalValue();
            return Instant.ofEpochSecond(seconds.longValue(),
                    seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        }
        parser.skipChildren();
        return null;
    }
}
