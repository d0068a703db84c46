package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.spillway.contract.CustomerId;
import io.spillway.contract.OrderId;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.ingest.problems.Refusal;
import io.spillway.ingest.problems.RefusalKind;
import io.spillway.contract.problems.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrderRequestReaderTest {

    private static final List<String> KEY = List.of("key-1");
    private static final List<String> CUSTOMER = List.of("cust:42");

    private static PlaceOrder read(String body) {
        return OrderRequestReader.read(KEY, CUSTOMER, body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Violation> violations(List<String> keys, List<String> customers, byte[] body) {
        Refusal refusal = catchThrowableOfType(Refusal.class, () -> OrderRequestReader.read(keys, customers, body));
        assertThat(refusal).as("refused").isNotNull();
        assertThat(refusal.kind()).isEqualTo(RefusalKind.INVALID_REQUEST);
        return refusal.violations();
    }

    private static List<Violation> violations(String body) {
        return violations(KEY, CUSTOMER, body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> fields(String body) {
        return violations(body).stream().map(Violation::field).toList();
    }

    @Test
    void readsAnOrderByQuantity() {
        PlaceOrder order = read("{\"saleId\":\"concert-2026\",\"sku\":\"GA\",\"quantity\":2}");

        assertThat(order.saleId().value()).isEqualTo("concert-2026");
        assertThat(order.sku().value()).isEqualTo("GA");
        assertThat(order.quantity()).isEqualTo(2);
        assertThat(order.seatIds()).isEmpty();
        assertThat(order.orderId()).isEqualTo(OrderId.derive(CustomerId.of("cust:42"), SaleId.of("concert-2026"), "key-1"));
    }

    @Test
    void readsAnOrderBySeatsAndCountsThem() {
        PlaceOrder order = read("{\"saleId\":\"s\",\"sku\":\"VIP\",\"seatIds\":[\"A-1\",\"A-2\"]}");

        assertThat(order.seatIds()).containsExactly(SeatId.of("A-1"), SeatId.of("A-2"));
        assertThat(order.quantity()).isEqualTo(2);
    }

    @Test
    void takesAQuantityThatMatchesTheSeats() {
        assertThat(read("{\"saleId\":\"s\",\"sku\":\"VIP\",\"seatIds\":[\"A-1\"],\"quantity\":1}").quantity())
                .isEqualTo(1);
        assertThat(fields("{\"saleId\":\"s\",\"sku\":\"VIP\",\"seatIds\":[\"A-1\"],\"quantity\":2}"))
                .containsExactly("quantity");
    }

    @Test
    void theOrderIsAFunctionOfCustomerAndKey() {
        String body = "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1}";
        OrderId first = read(body).orderId();

        assertThat(read(body).orderId()).isEqualTo(first);
        assertThat(OrderRequestReader.read(List.of("key-2"), CUSTOMER, body.getBytes(StandardCharsets.UTF_8))
                        .orderId())
                .isNotEqualTo(first);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "101", "1e9", "1.0", "2.5", "\"2\"", "null", "true", "[1]", "{}",
        "99999999999999999999"})
    void refusesAQuantityThatIsNotAnIntegerFrom1To100(String quantity) {
        assertThat(violations("{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":" + quantity + "}"))
                .containsExactly(new Violation("quantity", "must be an integer from 1 to 100"));
    }

    @Test
    void acceptsTheLimitsOfQuantity() {
        assertThat(read("{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1}").quantity()).isEqualTo(1);
        assertThat(read("{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":100}").quantity()).isEqualTo(100);
    }

    @Test
    void namesEveryFaultOfTheBodyAtOnce() {
        assertThat(violations("{\"saleId\":\"a/b\",\"sku\":7,\"colour\":\"red\"}"))
                .extracting(Violation::field)
                .containsExactlyInAnyOrder("colour", "saleId", "sku", "quantity");
    }

    @Test
    void requiresSaleAndSku() {
        assertThat(violations("{\"quantity\":1}"))
                .containsExactlyInAnyOrder(new Violation("saleId", "is required"), new Violation("sku", "is required"));
    }

    @Test
    void refusesSeatsThatRepeatAreInvalidOrTooMany() {
        assertThat(violations("{\"saleId\":\"s\",\"sku\":\"V\",\"seatIds\":[\"A-1\",\"A-2\",\"A-1\"]}"))
                .containsExactly(new Violation("seatIds[2]", "repeats seatIds[0]"));
        assertThat(fields("{\"saleId\":\"s\",\"sku\":\"V\",\"seatIds\":[\"A 1\", 3]}"))
                .containsExactly("seatIds[0]", "seatIds[1]");
        assertThat(fields("{\"saleId\":\"s\",\"sku\":\"V\",\"seatIds\":[]}")).containsExactly("seatIds");
        assertThat(fields("{\"saleId\":\"s\",\"sku\":\"V\",\"seatIds\":\"A-1\"}")).containsExactly("seatIds");
        StringBuilder seats = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            seats.append(i == 0 ? "" : ",").append("\"S").append(i).append('"');
        }
        assertThat(fields("{\"saleId\":\"s\",\"sku\":\"V\",\"seatIds\":[" + seats + "]}")).containsExactly("seatIds");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "{", "{\"saleId\":\"s\",\"sku\":\"GA\",\"quant", "[]", "[{\"saleId\":\"s\"}]", "null", "42",
        "\"text\"", "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1} {}", "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1}x",
        "{'saleId':'s','sku':'GA','quantity':1}", "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":01}",
        "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1,\"quantity\":2}",
        "{\"saleId\":\"s\",\"sku\":\"GA\",/*c*/\"quantity\":1}"
    })
    void refusesWhatIsNotOneJsonObject(String body) {
        assertThat(fields(body)).containsExactly("body");
    }

    @Test
    void refusesInvalidUtf8() {
        byte[] lone = "{\"saleId\":\"s\u0001\",\"sku\":\"GA\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8);
        lone[12] = (byte) 0xFF;
        byte[] overlong = "{\"saleId\":\"s__\",\"sku\":\"GA\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8);
        overlong[12] = (byte) 0xC0;
        overlong[13] = (byte) 0xAF;

        assertThat(violations(KEY, CUSTOMER, lone)).containsExactly(new Violation("body", "is not valid UTF-8"));
        assertThat(violations(KEY, CUSTOMER, overlong)).containsExactly(new Violation("body", "is not valid UTF-8"));
    }

    @Test
    void checksTheHeaders() {
        byte[] body = "{\"saleId\":\"s\",\"sku\":\"GA\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8);

        assertThat(violations(List.of(), List.of(), body)).extracting(Violation::field)
                .containsExactly("Idempotency-Key", "X-Customer-Id");
        assertThat(violations(List.of("k".repeat(65)), List.of("c".repeat(65)), body)).extracting(Violation::field)
                .containsExactly("Idempotency-Key", "X-Customer-Id");
        assertThat(violations(List.of("a b"), List.of("a/b"), body)).extracting(Violation::field)
                .containsExactly("Idempotency-Key", "X-Customer-Id");
        assertThat(violations(List.of("a", "b"), CUSTOMER, body)).containsExactly(
                new Violation("Idempotency-Key", "must be given once"));
        assertThat(violations(List.of(""), CUSTOMER, body)).extracting(Violation::field)
                .containsExactly("Idempotency-Key");
        assertThat(violations(List.of("caf\u00e9"), CUSTOMER, body)).extracting(Violation::field)
                .containsExactly("Idempotency-Key");
    }

    @Test
    void takesEveryPrintableAsciiCharacterInTheKey() {
        StringBuilder all = new StringBuilder();
        for (char c = 0x21; c <= 0x7E; c++) {
            all.append(c);
        }
        assertThat(OrderRequestReader.isPrintableAscii(all.substring(0, 64))).isTrue();
        assertThat(OrderRequestReader.isPrintableAscii(all.substring(30))).isTrue();
        assertThat(OrderRequestReader.isPrintableAscii("a\tb")).isFalse();
        assertThat(OrderRequestReader.isPrintableAscii("a\u007Fb")).isFalse();
    }
}
