package io.spillway.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.contract.EventJson.MalformedEventException;
import io.spillway.contract.SaleDefined.ItemDefinition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CatalogJsonTest {

    private static final SaleDefined SALE = SaleDefined.of(SaleId.of("concert"), "Winter concert",
            Instant.parse("2026-12-24T09:00:00Z"), 4, List.of(
                    new ItemDefinition(Sku.of("GA"), ItemKind.STOCK, 100, List.of()),
                    new ItemDefinition(Sku.of("VIP"), ItemKind.SEATED, 2, List.of(SeatId.of("A-1"), SeatId.of("A-2")))));

    @Test
    void aSaleRoundTripsWithTypeAndVersion() {
        byte[] json = CatalogJson.write(SALE);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"type\":\"SaleDefined\"", "\"schemaVersion\":1",
                "\"seatIds\":[\"A-1\",\"A-2\"]", "\"opensAt\":\"2026-12-24T09:00:00Z\"");
        assertThat(CatalogSerde.sales().deserialize("t", json)).isEqualTo(SALE);
        assertThat(SALE.key()).isEqualTo("concert");
    }

    @Test
    void availabilityRoundTripsKeyedByItem() {
        ItemAvailability availability = ItemAvailability.of(SaleId.of("concert"), Sku.of("GA"), 0, true);

        assertThat(CatalogSerde.availability().deserialize("t", CatalogSerde.availability().serialize("t", availability)))
                .isEqualTo(availability);
        assertThat(availability.key()).isEqualTo("concert/GA");
    }

    @Test
    void refusesTheWrongTypeAnUnknownVersionAndAnInconsistentItem() {
        byte[] availability = CatalogJson.write(ItemAvailability.of(SaleId.of("s"), Sku.of("GA"), 1, false));
        assertThatThrownBy(() -> CatalogJson.read(availability, SaleDefined.class))
                .isInstanceOf(MalformedEventException.class);
        byte[] future = new String(availability, StandardCharsets.UTF_8).replace("\"schemaVersion\":1", "\"schemaVersion\":2")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CatalogJson.read(future, ItemAvailability.class))
                .isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> new ItemDefinition(Sku.of("V"), ItemKind.SEATED, 3, List.of(SeatId.of("A-1"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSaleWith100000SeatsFitsTheCatalogueLimit() {
        List<SeatId> seats = IntStream.range(0, 100_000).mapToObj(i -> SeatId.of("S" + "x".repeat(56) + i)).toList();
        SaleDefined big = SaleDefined.of(SaleId.of("arena"), "Arena", Instant.EPOCH, 4,
                List.of(new ItemDefinition(Sku.of("FLOOR"), ItemKind.SEATED, seats.size(), seats)));

        assertThat(CatalogJson.write(big).length).isLessThan(Topics.MAX_CATALOG_RECORD_BYTES);
    }

    @Test
    void theCatalogueTopicsTakeTheSuffixAndDefaultWhenUnnamed() {
        Topics topics = new Topics("r", "res", "d", 3, (short) 1);
        assertThat(topics.sales()).isEqualTo("sales");
        assertThat(topics.availability()).isEqualTo("items.availability");
        assertThat(topics.withSuffix(".x").sales()).isEqualTo("sales.x");
        assertThat(Topics.DEFAULTS.withSuffix(".x").availability()).isEqualTo("items.availability.x");
    }
}
