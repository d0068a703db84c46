package io.spillway.ingest.holds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.JsonBuffers;
import io.spillway.contract.PaymentReceived;
import io.spillway.contract.problems.Violation;
import io.spillway.ingest.orders.OrderRequestReader;
import io.spillway.ingest.problems.Refusal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The door's rules for the bodies and headers of {@code …/payment} and {@code …/cancel}, read as
 * strictly as an order's (no duplicate keys, nothing after the value, no coercion), every fault
 * reported at once with its field.
 */
final class CommandRequests {

    /** Both bodies are tiny; 1 KiB leaves room for whitespace and nothing else. */
    static final int MAX_BODY_BYTES = 1024;
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private static final ObjectMapper JSON = JsonBuffers.mapper()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private CommandRequests() {}

    /** A payment callback's key and reference. */
    record Payment(String idempotencyKey, String paymentRef) {}

    /**
     * @param idempotencyKeys every value of the {@code Idempotency-Key} header
     * @throws Refusal {@code 400} naming every fault
     */
    static Payment payment(List<String> idempotencyKeys, byte[] body) {
        List<Violation> violations = new ArrayList<>();
        String key = null;
        if (idempotencyKeys.isEmpty()) {
            violations.add(new Violation(IDEMPOTENCY_KEY, "is required"));
        } else if (idempotencyKeys.size() > 1) {
            violations.add(new Violation(IDEMPOTENCY_KEY, "must be given once"));
        } else if (!OrderRequestReader.isPrintableAscii(idempotencyKeys.getFirst())) {
            violations.add(new Violation(IDEMPOTENCY_KEY, "must be 1 to 64 printable ASCII characters (no spaces)"));
        } else {
            key = idempotencyKeys.getFirst();
        }
        String ref = null;
        JsonNode root = object(body, false, violations);
        if (root != null) {
            for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("paymentRef")) {
                    violations.add(new Violation(name, "is not a field of a payment"));
                }
            }
            JsonNode node = root.get("paymentRef");
            if (node == null) {
                violations.add(new Violation("paymentRef", "is required"));
            } else if (!node.isTextual() || !PaymentReceived.REF.matcher(node.textValue()).matches()) {
                violations.add(new Violation("paymentRef", "must be a string of 1 to 128 of A-Z a-z 0-9 . _ : -"));
            } else {
                ref = node.textValue();
            }
        }
        if (!violations.isEmpty()) {
            throw Refusal.invalid(violations);
        }
        return new Payment(key, ref);
    }

    /**
     * A cancellation says nothing in its body: none, or {@code {}}.
     *
     * @throws Refusal {@code 400} for anything else
     */
    static void cancel(byte[] body) {
        List<Violation> violations = new ArrayList<>();
        JsonNode root = object(body, true, violations);
        if (root != null) {
            root.fieldNames().forEachRemaining(name -> violations.add(new Violation(name, "is not a field of a cancel")));
        }
        if (!violations.isEmpty()) {
            throw Refusal.invalid(violations);
        }
    }

    /** The body as a JSON object, or null: with a violation, or when empty and that is allowed. */
    private static JsonNode object(byte[] body, boolean emptyAllowed, List<Violation> violations) {
        String text;
        try {
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
            if (!emptyAllowed) {
                violations.add(new Violation("body", "is required"));
            }
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            violations.add(new Violation("body", "is not valid JSON: " + e.getOriginalMessage()));
            return null;
        }
        if (root == null || !root.isObject()) {
            violations.add(new Violation("body", "must be a JSON object"));
            return null;
        }
        return root;
    }
}
