package io.spillway.ingest.orders;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.CustomerId;
import io.spillway.contract.JsonBuffers;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import io.spillway.ingest.problems.Refusal;
import io.spillway.contract.problems.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The door's rules for {@code POST /api/v1/orders}: the two headers and the body, read strictly.
 *
 * <p>The body is parsed by Jackson into a tree (no comments, no single quotes, no leading zeros, no
 * NaN, no duplicate keys, nothing after the value) and then checked field by field, so that every
 * fault is reported at once with its field, and no value is coerced: {@code "2"}, {@code 2.0} and
 * {@code 1e9} are not quantities. This is stricter than binding with {@code FAIL_ON_UNKNOWN_PROPERTIES}
 * and coercion turned off, which would stop at the first fault. Limits that depend on the sale (the
 * per-customer limit, which items and seats exist) are not checked here.
 */
public final class OrderRequestReader {

    static final int MAX_BODY_BYTES = 4096;
    static final int MAX_QUANTITY = 100;
    static final int MAX_SEATS = 100;
    static final int MAX_KEY_LENGTH = 64;

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String CUSTOMER_ID = "X-Customer-Id";

    private static final Set<String> FIELDS = Set.of("saleId", "sku", "quantity", "seatIds");
    private static final String NAME_RULE = "must be 1 to 64 of A-Z a-z 0-9 . _ -";
    private static final String QUANTITY_RULE = "must be an integer from 1 to " + MAX_QUANTITY;

    // Configured once and never changed: Jackson mappers are safe to share once configured.
    private static final ObjectMapper JSON = JsonBuffers.mapper()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private OrderRequestReader() {}

    /**
     * @param idempotencyKeys every value of the {@code Idempotency-Key} header, as received
     * @param customerIds every value of the {@code X-Customer-Id} header, as received
     * @param body the raw body, at most {@link #MAX_BODY_BYTES}
     * @throws Refusal of kind {@code INVALID_REQUEST} naming every fault
     */
    static PlaceOrder read(List<String> idempotencyKeys, List<String> customerIds, byte[] body) {
        List<Violation> violations = new ArrayList<>();
        String key = idempotencyKey(idempotencyKeys, violations);
        CustomerId customer = customerId(customerIds, violations);
        Fields fields = body(body, violations);
        if (!violations.isEmpty()) {
            throw Refusal.invalid(violations);
        }
        return new PlaceOrder(customer, key, fields.saleId, fields.sku, fields.quantity, fields.seatIds);
    }

    private static String idempotencyKey(List<String> values, List<Violation> violations) {
        String value = single(IDEMPOTENCY_KEY, values, violations);
        if (value != null && !isPrintableAscii(value)) {
            violations.add(new Violation(IDEMPOTENCY_KEY, "must be 1 to " + MAX_KEY_LENGTH
                    + " printable ASCII characters (no spaces)"));
            return null;
        }
        return value;
    }

    private static CustomerId customerId(List<String> values, List<Violation> violations) {
        String value = single(CUSTOMER_ID, values, violations);
        if (value != null && !CustomerId.isValid(value)) {
            violations.add(new Violation(CUSTOMER_ID, "must be 1 to 64 of A-Z a-z 0-9 . _ : -"));
            return null;
        }
        return value == null ? null : CustomerId.of(value);
    }

    private static String single(String header, List<String> values, List<Violation> violations) {
        if (values.isEmpty()) {
            violations.add(new Violation(header, "is required"));
            return null;
        }
        if (values.size() > 1) {
            violations.add(new Violation(header, "must be given once"));
            return null;
        }
        return values.getFirst();
    }

    /** The contract's {@code Idempotency-Key}: 1 to 64 printable ASCII characters, no spaces. */
    public static boolean isPrintableAscii(String value) {
        if (value.isEmpty() || value.length() > MAX_KEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    private static Fields body(byte[] body, List<Violation> violations) {
        Fields fields = new Fields();
        JsonNode root = parse(body, violations);
        if (root == null) {
            return fields;
        }
        if (!root.isObject()) {
            violations.add(new Violation("body", "must be a JSON object"));
            return fields;
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                violations.add(new Violation(name, "is not a field of an order"));
            }
        }
        fields.saleId = name(root, "saleId", violations) instanceof String s ? SaleId.of(s) : null;
        fields.sku = name(root, "sku", violations) instanceof String s ? Sku.of(s) : null;
        JsonNode seats = root.get("seatIds");
        JsonNode quantity = root.get("quantity");
        // Null when seatIds were given but are invalid: then quantity cannot be checked against them.
        List<SeatId> seatIds = seats == null ? List.of() : seatIds(seats, violations);
        fields.seatIds = seatIds;
        if (quantity == null) {
            if (seats == null) {
                violations.add(new Violation("quantity", "is required unless seatIds are given"));
            } else if (seatIds != null) {
                fields.quantity = seatIds.size();
            }
        } else if (!quantity.isIntegralNumber() || !quantity.canConvertToInt()
                || quantity.intValue() < 1 || quantity.intValue() > MAX_QUANTITY) {
            violations.add(new Violation("quantity", QUANTITY_RULE));
        } else {
            fields.quantity = quantity.intValue();
            if (seats != null && seatIds != null && seatIds.size() != fields.quantity) {
                violations.add(new Violation("quantity", "must equal the number of seatIds (" + seatIds.size() + ")"));
            }
        }
        return fields;
    }

    private static JsonNode parse(byte[] body, List<Violation> violations) {
        String text;
        try {
            // Decoded before Jackson sees it: Jackson's own UTF-8 reader lets some malformed
            // sequences (overlong forms, encoded surrogates) through.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            violations.add(new Violation("body", "is not valid UTF-8"));
            return null;
        }
        if (text.isBlank()) {
            violations.add(new Violation("body", "is required"));
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            violations.add(new Violation("body", "is not valid JSON: " + e.getOriginalMessage() + where));
            return null;
        }
    }

    /** A valid name-shaped string field (saleId, sku), or null with a violation. */
    private static String name(JsonNode root, String field, List<Violation> violations) {
        JsonNode node = root.get(field);
        if (node == null) {
            violations.add(new Violation(field, "is required"));
            return null;
        }
        if (!node.isTextual()) {
            violations.add(new Violation(field, "must be a string"));
            return null;
        }
        // Sale ids and SKUs share one shape (the contract's Identifiers.NAME).
        if (!(field.equals("saleId") ? SaleId.isValid(node.textValue()) : Sku.isValid(node.textValue()))) {
            violations.add(new Violation(field, NAME_RULE));
            return null;
        }
        return node.textValue();
    }

    private static List<SeatId> seatIds(JsonNode node, List<Violation> violations) {
        if (!node.isArray()) {
            violations.add(new Violation("seatIds", "must be an array of seat ids"));
            return null;
        }
        if (node.isEmpty() || node.size() > MAX_SEATS) {
            violations.add(new Violation("seatIds", "must hold 1 to " + MAX_SEATS + " seat ids"));
            return null;
        }
        List<SeatId> seats = new ArrayList<>(node.size());
        Map<String, Integer> firstIndex = new HashMap<>();
        boolean valid = true;
        for (int i = 0; i < node.size(); i++) {
            JsonNode seat = node.get(i);
            String field = "seatIds[" + i + "]";
            if (!seat.isTextual() || !SeatId.isValid(seat.textValue())) {
                violations.add(new Violation(field, NAME_RULE));
                valid = false;
                continue;
            }
            Integer earlier = firstIndex.putIfAbsent(seat.textValue(), i);
            if (earlier != null) {
                violations.add(new Violation(field, "repeats seatIds[" + earlier + "]"));
                valid = false;
                continue;
            }
            seats.add(SeatId.of(seat.textValue()));
        }
        return valid ? seats : null;
    }

    /** What the body said, as far as it was valid. */
    private static final class Fields {
        SaleId saleId;
        Sku sku;
        int quantity;
        List<SeatId> seatIds = List.of();
    }
}
