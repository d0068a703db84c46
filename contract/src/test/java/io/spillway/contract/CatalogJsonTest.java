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
                    ItemDefinition.stock(Sku.of("GA"), 100), ItemDefinition.seated(Sku.of("VIP"), 2)));

    @Test
    void aSaleRoundTripsWithTypeAndVersion() {
        byte[] json = CatalogJson.write(SALE);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"type\":\"SaleDefined\"", "\"schemaVersion\":2",
                "\"seatChunks\":1", "\"opensAt\":\"2026-12-24T09:00:00Z\"");
        assertThat(CatalogSerde.sales().deserialize("t", json)).isEqualTo(SALE);
        assertThat(SALE.key()).isEqualTo("concert");
    }

    @Test
    void aPrequeueIsAnOptionalFieldOfVersion2WhichOldRecordsReadAsNone() {
        Instant prequeue = Instant.parse("2026-12-24T08:30:00Z");
        SaleDefined withPrequeue = SaleDefined.of(SALE.saleId(), SALE.name(), SALE.opensAt(), 4, SALE.items(), prequeue);
        byte[] json = CatalogJson.write(withPrequeue);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"schemaVersion\":2",
                "\"prequeueOpensAt\":\"2026-12-24T08:30:00Z\"");
        assertThat(CatalogJson.read(json, SaleDefined.class)).isEqualTo(withPrequeue);
        assertThat(withPrequeue.doorOpensAt()).isEqualTo(prequeue);
        // As a writer before the pre-queue wrote it: no field at all.
        byte[] old = new String(CatalogJson.write(SALE), StandardCharsets.UTF_8)
                .replace(",\"prequeueOpensAt\":null", "").getBytes(StandardCharsets.UTF_8);
        assertThat(new String(old, StandardCharsets.UTF_8)).doesNotContain("prequeueOpensAt");
        assertThat(CatalogJson.read(old, SaleDefined.class).prequeueOpensAt()).isNull();
        assertThat(CatalogJson.read(old, SaleDefined.class).doorOpensAt()).isEqualTo(SALE.opensAt());
        assertThatThrownBy(() -> SaleDefined.of(SALE.saleId(), SALE.name(), SALE.opensAt(), 4, SALE.items(), SALE.opensAt()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPausedSaleRoundTripsAndARecordWithoutTheFieldIsNotPaused() {
        SaleDefined paused = SALE.withPaused(true);
        byte[] json = CatalogJson.write(paused);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"paused\":true", "\"schemaVersion\":2");
        assertThat(CatalogJson.read(json, SaleDefined.class)).isEqualTo(paused);
        assertThat(CatalogJson.read(json, SaleDefined.class).doorPaused()).isTrue();
        // As a writer before sale control wrote it: no field at all.
        byte[] old = new String(CatalogJson.write(SALE), StandardCharsets.UTF_8)
                .replace(",\"paused\":null", "").getBytes(StandardCharsets.UTF_8);
        assertThat(new String(old, StandardCharsets.UTF_8)).doesNotContain("paused");
        assertThat(CatalogJson.read(old, SaleDefined.class)).isEqualTo(SALE);
        assertThat(SALE.withPaused(false)).isEqualTo(SALE);
        SaleDefined closed = SALE.withClosedAt(java.time.Instant.parse("2026-12-24T10:00:00Z"));
        assertThat(CatalogJson.read(CatalogJson.write(closed), SaleDefined.class)).isEqualTo(closed);
        assertThat(closed.doorClosed()).isTrue();
        assertThat(SALE.doorClosed()).isFalse();
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
        assertThatThrownBy(() -> new ItemDefinition(Sku.of("V"), ItemKind.SEATED, 20_001, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ItemDefinition(Sku.of("V"), ItemKind.STOCK, 3, 1))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] version1 = new String(CatalogJson.write(SALE), StandardCharsets.UTF_8)
                .replace("\"schemaVersion\":2", "\"schemaVersion\":1").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CatalogJson.read(version1, SaleDefined.class))
                .isInstanceOf(MalformedEventException.class);
    }

    @Test
    void seatChunksRoundTripKeyedBySaleItemAndChunk() {
        List<SeatId> seats = IntStream.range(0, 25_001).mapToObj(i -> SeatId.of("S-" + i)).toList();

        List<SeatChunk> chunks = SeatChunk.split(SaleId.of("arena"), Sku.of("FLOOR"), seats);

        assertThat(chunks).hasSize(SeatChunk.chunksFor(seats.size())).hasSize(3);
        assertThat(chunks).extracting(c -> c.seatIds().size()).containsExactly(10_000, 10_000, 5_001);
        assertThat(chunks).flatExtracting(SeatChunk::seatIds).containsExactlyElementsOf(seats);
        assertThat(chunks.get(2).key()).isEqualTo("arena/FLOOR/2");
        assertThat(CatalogSerde.seats().deserialize("t", CatalogSerde.seats().serialize("t", chunks.get(2))))
                .isEqualTo(chunks.get(2));
        assertThatThrownBy(() -> SeatChunk.of(SaleId.of("a"), Sku.of("F"), 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The largest records the largest valid sale makes (inventory-service's NewSaleRules: a 64-char
     * sale id, a name of 200 four-byte characters, 100 items with 64-char skus, 100,000 seats of 64
     * characters each) fit a quarter of Kafka's default 1 MiB record, whatever the sale: the seat
     * ids travel in chunks.
     */
    @Test
    void theLargestValidSaleMakesNoRecordAbove1MiB() {
        SaleId saleId = SaleId.of("s".repeat(64));
        List<ItemDefinition> items = IntStream.range(0, 100)
                .mapToObj(i -> ItemDefinition.seated(Sku.of("%064d".formatted(i)), 100_000)).toList();
        SaleDefined sale = SaleDefined.of(saleId, "\uD83C\uDFAB".repeat(200), Instant.parse("9999-12-31T23:59:59.999999Z"),
                1_000, items);
        List<SeatId> seats = IntStream.range(0, SeatChunk.MAX_SEATS).mapToObj(i -> SeatId.of("%064d".formatted(i))).toList();
        SeatChunk chunk = SeatChunk.of(saleId, Sku.of("%064d".formatted(99)), 9, seats);

        int saleBytes = CatalogJson.write(sale).length;
        int chunkBytes = CatalogJson.write(chunk).length;

        assertThat(saleBytes).isLessThan(20_000);
        // 10,000 × (64 + 2 quotes + 1 comma) plus the envelope: 670,000 + a few hundred bytes.
        assertThat(chunkBytes).isLessThan(671_000).isLessThan(1024 * 1024);
        assertThat(Topics.MAX_CATALOG_RECORD_BYTES).isGreaterThan(8 * chunkBytes);
    }

    @Test
    void theCatalogueTopicsTakeTheSuffixAndDefaultWhenUnnamed() {
        Topics topics = new Topics("r", "res", "d", 3, (short) 1);
        assertThat(topics.sales()).isEqualTo("sales");
        assertThat(topics.availability()).isEqualTo("items.availability");
        assertThat(topics.withSuffix(".x").sales()).isEqualTo("sales.x");
        assertThat(Topics.DEFAULTS.withSuffix(".x").availability()).isEqualTo("items.availability.x");
        assertThat(topics.seats()).isEqualTo("sales.seats").isEqualTo(Topics.DEFAULT_SEATS);
        assertThat(topics.withSuffix("-x").seats()).isEqualTo("sales-x.seats");
        Topics named = new Topics("r", "res", "d", 3, (short) 1, "s", "a", "chairs");
        assertThat(named.withSuffix("-x").seats()).isEqualTo("chairs-x");
    }
}
