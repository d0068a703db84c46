package io.spillway.inventory.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.contract.ItemAvailability;
import io.spillway.contract.SaleId;
import io.spillway.contract.Sku;
import io.spillway.contract.admission.RoomId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogChangesTest {

    private static final SaleId SALE = SaleId.of("s");
    private static final ItemAvailability GA_10 = ItemAvailability.of(SALE, Sku.of("GA"), 10, false);
    private static final ItemAvailability VIP_2 = ItemAvailability.of(SALE, Sku.of("VIP"), 2, false);

    @Test
    void everythingIsNewAtStartAndNothingOncePublished() {
        CatalogChanges changes = new CatalogChanges();

        assertThat(changes.unpublishedSales(List.of(SALE))).containsExactly(SALE);
        assertThat(changes.changedItems(List.of(GA_10, VIP_2))).containsExactly(GA_10, VIP_2);

        changes.salePublished(SALE);
        changes.itemPublished(GA_10);
        changes.itemPublished(VIP_2);

        assertThat(changes.unpublishedSales(List.of(SALE))).isEmpty();
        assertThat(changes.changedItems(List.of(GA_10, VIP_2))).isEmpty();
        assertThat(changes.isPublished(SALE)).isTrue();
    }

    @Test
    void aSaleWithNewAdditionsIsPublishedAgainWithItsSeatsUntilPublished() {
        CatalogChanges changes = new CatalogChanges();
        assertThat(changes.grew(SALE, 0)).as("not published yet: not grown, new").isFalse();
        changes.salePublished(SALE, null, 0);

        assertThat(changes.unpublishedSales(List.of(SALE), Map.of(), Map.of())).isEmpty();
        assertThat(changes.unpublishedSales(List.of(SALE), Map.of(), Map.of(SALE, 1L))).containsExactly(SALE);
        assertThat(changes.grew(SALE, 1)).isTrue();

        changes.salePublished(SALE, null, 1);
        assertThat(changes.unpublishedSales(List.of(SALE), Map.of(), Map.of(SALE, 1L))).isEmpty();
        assertThat(changes.grew(SALE, 1)).isFalse();
    }

    @Test
    void aSaleWhosePauseOrCloseChangedIsPublishedAgain() {
        CatalogChanges changes = new CatalogChanges();
        changes.salePublished(SALE, CatalogChanges.control(false, false));
        Map<SaleId, String> paused = Map.of(SALE, CatalogChanges.control(true, false));

        assertThat(changes.unpublishedSales(List.of(SALE), Map.of())).isEmpty();
        assertThat(changes.unpublishedSales(List.of(SALE), paused)).containsExactly(SALE);
        assertThat(changes.isPublished(SALE)).isTrue();

        changes.salePublished(SALE, CatalogChanges.control(true, false));
        assertThat(changes.unpublishedSales(List.of(SALE), paused)).isEmpty();
        assertThat(changes.unpublishedSales(List.of(SALE), Map.of())).containsExactly(SALE);
        assertThat(changes.unpublishedSales(List.of(SALE), Map.of(SALE, CatalogChanges.control(true, true))))
                .containsExactly(SALE);
    }

    @Test
    void onlyItemsWhoseStateChangedAreRepublished() {
        CatalogChanges changes = new CatalogChanges();
        changes.itemPublished(GA_10);
        changes.itemPublished(VIP_2);
        ItemAvailability gaSoldOut = ItemAvailability.of(SALE, Sku.of("GA"), 0, true);

        assertThat(changes.changedItems(List.of(gaSoldOut, VIP_2))).containsExactly(gaSoldOut);
    }

    @Test
    void whatWasNotAcknowledgedIsFoundAgain() {
        CatalogChanges changes = new CatalogChanges();

        changes.changedItems(List.of(GA_10));

        assertThat(changes.changedItems(List.of(GA_10))).containsExactly(GA_10);
        assertThat(changes.isPublished(SALE)).isFalse();
    }

    @Test
    void aLargeSaleResumesFromTheChunksAcknowledgedAndCountsFailuresInARow() {
        CatalogChanges changes = new CatalogChanges();
        changes.chunkPublished(SALE, 0);
        changes.chunkPublished(SALE, 2);

        assertThat(changes.isChunkPublished(SALE, 0)).isTrue();
        assertThat(changes.isChunkPublished(SALE, 1)).isFalse();
        assertThat(changes.isChunkPublished(SALE, 2)).isTrue();
        assertThat(changes.saleFailed(SALE)).isEqualTo(1);
        assertThat(changes.saleFailed(SALE)).isEqualTo(2);
        assertThat(changes.unpublishedSales(List.of(SALE))).containsExactly(SALE);

        changes.salePublished(SALE);

        assertThat(changes.unpublishedSales(List.of(SALE))).isEmpty();
        assertThat(changes.isChunkPublished(SALE, 0)).isFalse();
        assertThat(changes.saleFailed(SALE)).isEqualTo(1);
    }

    @Test
    void aRoomIsPublishedAgainEachTimeItsRowChanges() {
        CatalogChanges changes = new CatalogChanges();
        RoomId room = RoomId.of("r");

        assertThat(changes.unpublishedRooms(Map.of(room, 0L))).containsExactly(room);
        changes.roomPublished(room, 0L);
        assertThat(changes.isPublished(room)).isTrue();
        assertThat(changes.unpublishedRooms(Map.of(room, 0L))).isEmpty();
        // A change of rates, a pause or a close bumps the row's version.
        assertThat(changes.unpublishedRooms(Map.of(room, 1L))).containsExactly(room);
    }
}
