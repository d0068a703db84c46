package io.spillway.inventory.sales;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.inventory.sales.rules.NewSaleRules;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * The default {@code max-sale-body} takes the largest valid sale: 100 items of 100,000 seats of
 * 64 characters, 64-character ids, a name of 200 four-byte characters, written compactly. One item
 * is written and counted a hundred times (the whole body would be 670 MB in this test's memory).
 */
class SaleBodyLimitTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDefaultLimitTakesTheLargestValidSaleWithRoomForWhitespace() throws Exception {
        List<String> seats = IntStream.range(0, NewSaleRules.MAX_SEATS).mapToObj("%064d"::formatted).toList();
        int item = JSON.writeValueAsBytes(Map.of("sku", "k".repeat(64), "seats", seats)).length;
        int envelope = JSON.writeValueAsBytes(Map.of("saleId", "s".repeat(64), "name", "\uD83C\uDFAB".repeat(200),
                "opensAt", "9999-12-31T23:59:59.999999Z", "perCustomerLimit", 1000, "items", List.of())).length;
        long largest = envelope + (long) NewSaleRules.MAX_ITEMS * item + (NewSaleRules.MAX_ITEMS - 1);

        long limit = DataSize.parse("700MB").toBytes();

        assertThat(item).isEqualTo(6_700_084);
        assertThat(largest).isEqualTo(670_011_061L);
        // A newline and two spaces before every seat still fit.
        assertThat(largest + 3L * NewSaleRules.MAX_ITEMS * NewSaleRules.MAX_SEATS).isLessThan(limit);
    }
}
