package io.spillway.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class VerifyDrawTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    // Computed independently with Python's hashlib and hmac (see contract's DrawTest).
    private static final String SEED = "0b".repeat(32);
    private static final String COMMITMENT = "f0e38b830ebd8a506615ecd154330ec07ff6bf5030447b44e297db1d4b7514ac";

    @Test
    void aBuyerRecomputesTheirKeyFromTheirOrderId() {
        assertThat(VerifyDraw.keyOf(SEED, "0b6c8a52-3c1e-8f4e-9a0b-1234567890ab"))
                .isEqualTo("c1229d69f723db84c2682619ed0f11671052c9734824354446e6b544f2fc8fcc");
    }

    @Test
    void anHonestDrawChecksOut() {
        assertThat(VerifyDraw.check(sale(COMMITMENT), draw(SEED, honest(6, 3)))).isEmpty();
    }

    @Test
    void aSeedThatIsNotTheCommittedOneIsCaught() {
        assertThat(VerifyDraw.check(sale(COMMITMENT), draw("0c".repeat(32), honest(4, 2))))
                .anySatisfy(problem -> assertThat(problem).contains("not the commitment"));
    }

    @Test
    void keysOutOfOrderAndAConfirmationAfterASoldOutAreCaught() {
        List<Key> keys = new java.util.ArrayList<>(honest(6, 3));
        Key second = keys.get(1);
        keys.set(1, keys.get(2));
        keys.set(2, second);
        assertThat(VerifyDraw.check(sale(COMMITMENT), draw(SEED, keys)))
                .anySatisfy(problem -> assertThat(problem).contains("is not after"));

        List<Key> unfair = new java.util.ArrayList<>(honest(6, 3));
        unfair.set(3, new Key(unfair.get(3).key(), 1, "REJECTED", "SOLD_OUT"));
        unfair.set(4, new Key(unfair.get(4).key(), 1, "CONFIRMED", null));
        assertThat(VerifyDraw.check(sale(COMMITMENT), draw(SEED, unfair)))
                .anySatisfy(problem -> assertThat(problem).contains("confirmed after an earlier key"));
    }

    private record Key(String key, int quantity, String outcome, String reason) {}

    /** {@code count} orders of one unit in ascending key order, the first {@code units} confirmed. */
    private static List<Key> honest(int count, int units) {
        List<String> keys = IntStream.range(0, count)
                .mapToObj(i -> VerifyDraw.keyOf(SEED, UUID.randomUUID().toString()))
                .sorted(Comparator.naturalOrder())
                .toList();
        return IntStream.range(0, count)
                .mapToObj(i -> i < units ? new Key(keys.get(i), 1, "CONFIRMED", null) : new Key(keys.get(i), 1, "REJECTED", "SOLD_OUT"))
                .toList();
    }


    private static JsonNode sale(String commitment) {
        ObjectNode sale = JSON.createObjectNode();
        sale.putObject("draw").put("commitment", commitment).put("seed", SEED);
        return sale;
    }

    private static JsonNode draw(String seed, List<Key> keys) {
        ObjectNode draw = JSON.createObjectNode().put("openingOrder", "SHUFFLED").put("commitment", COMMITMENT).put("seed", seed);
        ArrayNode items = draw.putArray("items");
        ObjectNode item = items.addObject().put("sku", "GA");
        ArrayNode list = item.putArray("keys");
        for (int place = 0; place < keys.size(); place++) {
            Key key = keys.get(place);
            ObjectNode node = list.addObject().put("place", place).put("key", key.key()).put("quantity", key.quantity())
                    .put("outcome", key.outcome());
            if (key.reason() == null) {
                node.putNull("reason");
            } else {
                node.put("reason", key.reason());
            }
        }
        return draw;
    }
}
